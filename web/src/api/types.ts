/**
 * The shapes the dashboard reads from Sibyl's public HTTP API (`shared/API.md`). The dashboard talks
 * HTTP only, so these mirror the wire format instead of importing the server's schemas. Fields the
 * dashboard does not need are left out; optional ones are those the API may omit.
 */

export type RunStatus = 'Queued' | 'Running' | 'Completed' | 'Failed' | 'Canceled';
export const RUN_STATUSES: readonly RunStatus[] = ['Queued', 'Running', 'Completed', 'Failed', 'Canceled'];

export interface ErrorInfo {
  code: string;
  message: string;
  details?: { target?: string; message: string }[];
}

export interface TensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}

export interface ModelVersion {
  name: string;
  version: number;
  description: string;
  tags: Record<string, string>;
  sizeBytes: number;
  sha256: string;
  createdAt: string;
  signature: { inputs: TensorMetadata[]; outputs: TensorMetadata[] };
}

export interface Model {
  name: string;
  latestVersion: number;
  aliases: Record<string, number>;
  description?: string;
  tags?: Record<string, string>;
  createdAt?: string;
  updatedAt?: string;
}

export type AuthMode = 'key' | 'token' | 'aad';

export interface Deployment {
  name: string;
  endpoint: string;
  model: string;
  resolvedModel?: string;
  environment: string;
  instance?: { minInstances?: number; maxInstances?: number; maxConcurrentRequestsPerInstance?: number };
  batching?: { maxBatchSize?: number; maxQueueDelayMs?: number };
  requestTimeoutMs?: number;
  provisioningState?: string;
  createdAt?: string;
  updatedAt?: string;
}

export interface Endpoint {
  name: string;
  authMode: AuthMode;
  description?: string;
  traffic: Record<string, number>;
  mirrorTraffic?: Record<string, number>;
  scoringUri: string;
  openInferenceUri: string;
  deployments: Deployment[];
  createdAt?: string;
  updatedAt?: string;
}

export interface EndpointKeys {
  primaryKey: string;
  secondaryKey: string;
}

export interface EndpointToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiryTimeUtc: number;
  refreshAfterTimeUtc: number;
}

export interface MetricPoint {
  time: string;
  requests: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  meanBatchSize: number;
}

export interface EndpointMetrics {
  endpoint: string;
  minutes: number;
  deployments: Record<string, MetricPoint[]>;
}

export interface Run {
  id: string;
  kind: string;
  status: RunStatus;
  experiment?: string;
  parameters: Record<string, string | number | boolean>;
  metrics: Record<string, number>;
  parentRunId?: string;
  children: string[];
  outputs: Record<string, unknown>;
  pipeline?: string;
  schedule?: string;
  error?: ErrorInfo;
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
}

export interface RunLogEntry {
  time: string;
  level?: string;
  message: string;
}

export interface Experiment {
  name: string;
  runCount: number;
  lastRunAt?: string;
}

export interface BatchProgress {
  totalMiniBatches: number;
  succeeded: number;
  failed: number;
  rowsScored: number;
  rowsFailed: number;
}

export interface BatchJob {
  id: string;
  status: RunStatus;
  progress: BatchProgress;
  output: { datastore: string; path: string };
  startedAt?: string;
  endedAt?: string;
  error?: ErrorInfo;
  experiment?: string;
  createdAt?: string;
}

export interface Datastore {
  name: string;
  container: string;
  prefix?: string;
  accountUrl: string;
  isDefault?: boolean;
}

export type ScheduleTrigger = { cron: string; timeZone?: string } | { datastore: string; pathPattern: string; parameterName?: string; pollingIntervalSeconds?: number };

export interface Schedule {
  name: string;
  pipeline: string;
  parameters?: Record<string, string | number | boolean>;
  enabled: boolean;
  trigger: ScheduleTrigger;
  history: { fireTime: string; runId: string; status: RunStatus }[];
  nextFireTime?: string;
  createdAt?: string;
  updatedAt?: string;
}

export interface Pipeline {
  name: string;
  description?: string;
  parameters: Record<string, string | number | boolean>;
  steps: { name: string; kind: string }[];
  status: string;
  latestVersion?: number;
  updatedAt?: string;
}

/** Every list answer: `{"value": [...]}`. */
export interface List<T> {
  value: T[];
  nextLink?: string;
}
