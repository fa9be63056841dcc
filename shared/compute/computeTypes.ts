/**
 * What a `container`/`gpu` deployment asks of its compute, and what the compute reports back: the one
 * vocabulary shared by the two transports of the compute client (ARM in Azure, the local host locally).
 * A scorer app is one deployment's own set of replicas; nothing here is shared between deployments.
 */

/** Container Apps' GPU workload profiles that `compute.gpu` may name. */
export type GpuKind = 'T4' | 'A100';

/** The runtime a replica runs: today's ONNX scorer, or (environments issue) user code. */
export type ReplicaRuntime = 'onnx' | 'python' | 'node' | 'custom';

/** Everything needed to create or update one deployment's scorer app. Pure data, no secrets inline. */
export interface ScorerAppSpec {
  /** Endpoint name; with `deployment`, the app's identity (`<endpoint>/<deployment>`). */
  endpoint: string;
  deployment: string;
  kind: 'container' | 'gpu';
  gpu?: GpuKind;
  /** 0 means scale to zero. */
  minReplicas: number;
  maxReplicas: number;
  /** In-flight requests per replica at which another replica is added (Container Apps' HTTP rule). */
  concurrentRequests: number;
  /** Seconds of low load before a replica is removed (Container Apps' cooldown period). */
  scaleInDelaySeconds: number;
  /** Replica size; only `container` kind sets them (GPU profiles fix their own). */
  cpu?: number;
  memoryGi?: number;
  runtime: ReplicaRuntime;
  /** Environment variables of each replica (model reference, batching, threads, …); secrets by reference only. */
  settings: Record<string, string>;
  /**
   * The environment's own `dockerfile` text (user-code runtimes): in Azure the replica image is built
   * from it (custom as is; python with Sibyl's layer on top). Locally unused.
   */
  dockerfile?: string;
  /** Changes whenever the deployment's spec changes, so an update rolls out a new revision. */
  revision: string;
}

export type ReplicaState = 'Starting' | 'Ready' | 'Draining' | 'Failed';

/** A scorer replica exits with this code when its model loads but fails its warm-up inference. */
export const MODEL_CANNOT_RUN_EXIT_CODE = 3;

/** Why an apply failed: the model cannot run (the caller's input, 400) or the replicas did not start. */
export type ApplyFailure = 'InvalidModel' | 'ReplicasFailed';

export interface ReplicaStatus {
  name: string;
  state: ReplicaState;
  inFlight: number;
  startedAt: string;
  /** The ONNX Runtime execution provider the replica's session actually runs on, when known. */
  executionProvider?: string;
}

export interface ScaleStatus {
  desiredReplicas: number;
  readyReplicas: number;
  replicas: ReplicaStatus[];
}

export type ProvisioningState = 'Creating' | 'Updating' | 'Succeeded' | 'Failed' | 'Deleting';

export interface ScorerAppStatus {
  provisioningState: ProvisioningState;
  /** The underlying error when `provisioningState` is `Failed`. */
  error?: string;
  /** Set with `error`. */
  failure?: ApplyFailure;
  /** Where the Function App forwards this deployment's requests. */
  url?: string;
  /** The `ScorerAppSpec.revision` that serves now (none before the first one is ready). */
  revision?: string;
  scale: ScaleStatus;
}

/** One line a replica wrote to its console, secrets already redacted. */
export interface ReplicaLogLine {
  replica: string;
  stream: 'stdout' | 'stderr';
  /** ISO time the line was written (read, locally; Container Apps' timestamp in Azure). */
  time: string;
  text: string;
}

/** The most lines `logs` returns per replica. */
export const MAX_LOG_LINES = 5000;

/** The compute client: one interface, two transports (ARM in Azure, the local host's admin API locally). */
export interface ComputeClient {
  /** Creates or updates the app; resolves once the new revision serves (or rejects with why it failed). */
  apply(spec: ScorerAppSpec): Promise<ScorerAppStatus>;
  status(endpoint: string, deployment: string): Promise<ScorerAppStatus | undefined>;
  /** Stops and removes every replica; resolves when none is left. */
  remove(endpoint: string, deployment: string): Promise<void>;
  /**
   * The last `lines` console lines of each replica (running ones and those that failed or were
   * replaced recently), oldest first; undefined when the app does not exist.
   */
  logs(endpoint: string, deployment: string, lines: number): Promise<ReplicaLogLine[] | undefined>;
}
