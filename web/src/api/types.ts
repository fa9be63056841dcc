/**
 * The shapes the dashboard reads from Sibyl's public HTTP API (`docs/api.md`): the types of the
 * same schemas that validate requests and generate `openapi.json`, imported as types only (nothing
 * of the server reaches the bundle).
 */
import type { BatchJob, RunStatus, Schedule } from '../../../shared/api/schemas';
import { RUN_STATUSES as ALL_RUN_STATUSES } from '../../../shared/portable/runStatuses';

export type {
  AuthMode,
  BatchJob,
  Datastore,
  Deployment,
  DeploymentLogs,
  Endpoint,
  EndpointKeys,
  EndpointMetrics,
  EndpointToken,
  Environment,
  ErrorInfo,
  Experiment,
  MetricPoint,
  Model,
  ModelVersion,
  Pipeline,
  Run,
  RunLogEntry,
  RunStatus,
  Schedule,
  TensorMetadata,
} from '../../../shared/api/schemas';

export const RUN_STATUSES: readonly RunStatus[] = ALL_RUN_STATUSES;

/** A schedule's trigger: a clock or blobs arriving. */
export type ScheduleTrigger = Schedule['trigger'];

/** The progress counters of a batch job. */
export type BatchProgress = BatchJob['progress'];

/** Every list answer: `{"value": [...]}`. */
export interface List<T> {
  value: T[];
  nextLink?: string;
}
