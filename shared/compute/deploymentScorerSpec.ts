/**
 * The scorer app a `container`/`gpu` deployment asks for: its replica bounds and size, and the
 * settings that reach each replica (the model, the deployment's batching, the environment's
 * execution providers and threads). One mapping for both transports.
 */
import { createHash } from 'node:crypto';
import type { Environment } from '../registry/environments';
import { parseCodeReference } from '../registry/codeAssets';
import {
  customServerOf,
  environmentHash,
  pythonPackagesOf,
  runtimeOf,
  type RuntimeFields,
} from '../registry/environmentRuntime';
import type { DeploymentDoc } from '../endpoints/endpointDocuments';
import { replicaSettings } from '../endpoints/instanceSettings';
import type { ReplicaRuntime, ScorerAppSpec } from './computeTypes';
import { userRuntimeSettings, type UserRuntime } from './userRuntime';

/** Batching defaults of the scorer, as for `functions` deployments. */
const BATCHING = { maxBatchSize: 64, maxQueueDelayMs: 0 } as const;

export function scorerAppSpecOf(
  doc: DeploymentDoc,
  environment: Environment,
  kind: 'container' | 'gpu',
): ScorerAppSpec {
  const r = replicaSettings(kind, doc.instance);
  const settings: Record<string, string> = {
    SIBYL_SCORER_MODEL: `${doc.modelName}:${doc.modelVersion}`,
    SIBYL_SCORER_MAX_BATCH_SIZE: String(doc.batching.maxBatchSize ?? BATCHING.maxBatchSize),
    SIBYL_SCORER_MAX_QUEUE_DELAY_MS: String(doc.batching.maxQueueDelayMs ?? BATCHING.maxQueueDelayMs),
    SIBYL_SCORER_EXECUTION_PROVIDERS: environment.executionProviders.join(','),
  };
  if (environment.intraOpNumThreads !== undefined)
    settings.SIBYL_SCORER_INTRA_OP_THREADS = String(environment.intraOpNumThreads);
  if (environment.interOpNumThreads !== undefined)
    settings.SIBYL_SCORER_INTER_OP_THREADS = String(environment.interOpNumThreads);
  if (environment.graphOptimizationLevel !== undefined)
    settings.SIBYL_SCORER_GRAPH_OPTIMIZATION = environment.graphOptimizationLevel;
  const runtime: ReplicaRuntime = runtimeOf(environment);
  if (runtime !== 'onnx') Object.assign(settings, userRuntimeSettings(userRuntimeOf(doc, environment, runtime)));
  const shape = { kind, gpu: environment.compute?.gpu, cpu: r.cpu, memoryGi: r.memoryGi, runtime, settings };
  return {
    endpoint: doc.endpoint,
    deployment: doc.name,
    kind,
    ...(kind === 'gpu' && environment.compute?.gpu ? { gpu: environment.compute.gpu } : {}),
    minReplicas: r.minInstances,
    maxReplicas: r.maxInstances,
    concurrentRequests: r.maxConcurrentRequestsPerInstance,
    scaleInDelaySeconds: r.scaleInDelaySeconds,
    ...(r.cpu !== undefined ? { cpu: r.cpu, memoryGi: r.memoryGi } : {}),
    runtime,
    settings,
    // What replicas run changed (not only how many): a new revision.
    revision: createHash('sha256').update(JSON.stringify(shape)).digest('hex').slice(0, 12),
  };
}

/** What a user-code replica runs: the deployment's code and the environment's software. */
function userRuntimeOf(doc: DeploymentDoc, software: RuntimeFields, runtime: UserRuntime['runtime']): UserRuntime {
  return {
    runtime,
    ...(doc.code ? { code: parseCodeReference(doc.code.code) } : {}),
    ...(doc.code?.scoringScript ? { scoringScript: doc.code.scoringScript.replace(/^\.\//, '') } : {}),
    ...(runtime === 'python' ? { python: pythonPackagesOf(software) } : {}),
    ...(runtime === 'custom' ? { custom: customServerOf(software) } : {}),
    environmentHash: environmentHash(software),
    variables: software.variables ?? {},
  };
}
