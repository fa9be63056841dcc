/**
 * What a batch job scores with: a deployment (`endpoint/deployment`) or a registered model
 * (`name:version`, `name@alias`), resolved once when the job is submitted so every mini-batch uses
 * the same model version. A deployment whose environment runs user code scores on its replicas.
 * Sessions come from the same caches as real-time scoring: a deployment's
 * own loaded session while it still serves that version, else a batch cache of model sessions.
 *
 * @example
 *   const { target, signature } = await resolveTarget({ deployment: 'iris/blue' });
 *   const session = await sessionFor(target); // in an activity
 */
import { SibylError } from '../errors';
import type { DeploymentDoc } from '../endpoints/endpointDocuments';
import { loadedDeployment } from '../endpoints/deploymentRuntime';
import { getSnapshot } from '../endpoints/endpointStore';
import { DEFAULT_ENVIRONMENT, resolveEnvironment, sessionOptionsOf, type Environment } from '../registry/environments';
import { runtimeOf, type EnvironmentRuntime } from '../registry/environmentRuntime';
import { manifestOf } from '../registry/modelDocuments';
import { modelFileOf } from '../registry/modelLoader';
import { parseModelReference } from '../registry/modelReference';
import { readVersionDoc, resolveModel } from '../registry/modelRegistry';
import type { ModelSignature } from '../scoring/datatypes';
import type { TensorRunner } from '../scoring/tensorRunner';
import { ModelSession, type ModelSessionOptions } from '../scoring/modelSession';
import { SessionCache } from '../scoring/sessionCache';
import { warmUp } from '../registry/warmUp';
import { RESULT_OUTPUT } from './replicaMiniBatch';

export interface ScoringTarget {
  /** `endpoint/deployment` when the job named a deployment. */
  deployment?: { endpoint: string; name: string };
  modelName: string;
  modelVersion: number;
  blobPath: string;
  /** `name@version` of the environment the session runs in. */
  environment: string;
  /**
   * Set when the deployment's environment runs user code (`python`, `node`, `custom`): mini-batches go
   * to the deployment's replicas (`replicaMiniBatch.ts`) instead of an ONNX session here.
   */
  scoringScript?: { runtime: UserCodeRuntime };
}

export type UserCodeRuntime = Exclude<EnvironmentRuntime, 'onnx'>;

/** What a job through a scoring script writes: one `result` column (inputs are whatever `run` reads). */
const SCORING_SCRIPT_SIGNATURE: ModelSignature = { inputs: [], outputs: [RESULT_OUTPUT] };

/** The runtime of an environment that runs user code, or undefined for ONNX Runtime. */
function userCodeRuntimeOf(environment: Environment): UserCodeRuntime | undefined {
  const runtime = runtimeOf(environment);
  return runtime === 'onnx' ? undefined : runtime;
}

/** Resolves the job's deployment or model; throws DeploymentNotFound / EndpointNotFound / ModelNotFound. */
export async function resolveTarget(ref: {
  deployment?: string;
  model?: string;
}): Promise<{ target: ScoringTarget; signature: ModelSignature }> {
  if (ref.deployment) {
    const [endpoint = '', name = ''] = ref.deployment.split('/');
    const snapshot = await getSnapshot(endpoint, { fresh: true });
    const doc = snapshot.deployments.find((d) => d.name === name);
    if (!doc) {
      const known = snapshot.deployments.map((d) => d.name).join(', ') || 'none';
      throw new SibylError(
        'DeploymentNotFound',
        `Endpoint '${endpoint}' has no deployment '${name}' (it has: ${known}).`,
      );
    }
    const [version, environment] = await Promise.all([
      readVersionDoc(doc.modelName, doc.modelVersion),
      resolveEnvironment(doc.environment),
    ]);
    const runtime = userCodeRuntimeOf(environment);
    return {
      target: {
        deployment: { endpoint, name },
        modelName: doc.modelName,
        modelVersion: doc.modelVersion,
        blobPath: version.blobPath,
        environment: doc.environment,
        ...(runtime ? { scoringScript: { runtime } } : {}),
      },
      signature: runtime ? SCORING_SCRIPT_SIGNATURE : version.signature,
    };
  }
  if (!ref.model)
    throw new SibylError('InvalidInput', 'Give either deployment ("endpoint/deployment") or model ("name:version").');
  const version = await resolveModel(parseModelReference(ref.model));
  return {
    target: {
      modelName: version.name,
      modelVersion: version.version,
      blobPath: version.blobPath,
      environment: DEFAULT_ENVIRONMENT,
    },
    signature: version.signature,
  };
}

const models = new SessionCache<ModelSession>({ maxEntries: 4 });

/**
 * A batch session's settings: the environment's, with one intra-op thread unless it sets a number.
 * Mini-batches already run in parallel (activity worker threads here, instances in Azure), and ONNX
 * Runtime's own pool threads spin between runs: measured in the batch bench, two sessions' pools
 * burned as much CPU as the two workers' parsing and formatting, for a model whose runs take
 * microseconds per row.
 */
export function batchSessionOptions(environment: Environment): ModelSessionOptions {
  const options = sessionOptionsOf(environment);
  return { ...options, intraOpNumThreads: options.intraOpNumThreads ?? 1 };
}

async function loadModel(target: ScoringTarget): Promise<ModelSession> {
  const environment = await resolveEnvironment(target.environment);
  const version = await readVersionDoc(target.modelName, target.modelVersion);
  // Checksums verified, external data kept inside the model's own folder.
  const session = await ModelSession.load(await modelFileOf(manifestOf(version)), batchSessionOptions(environment));
  await warmUp(session, version);
  return session;
}

async function currentDeployment(target: ScoringTarget): Promise<DeploymentDoc | undefined> {
  if (!target.deployment) return undefined;
  try {
    const snapshot = await getSnapshot(target.deployment.endpoint);
    const doc = snapshot.deployments.find((d) => d.name === target.deployment?.name);
    return doc && doc.modelName === target.modelName && doc.modelVersion === target.modelVersion ? doc : undefined;
  } catch {
    // The deployment went away mid-job: the job finishes on the version it started with.
    return undefined;
  }
}

/** A ready session of the target's model version (the deployment's own while it still serves that version). */
export async function sessionFor(target: ScoringTarget): Promise<TensorRunner> {
  const doc = await currentDeployment(target);
  if (doc) return (await loadedDeployment(doc)).session;
  return models.get(`${target.modelName}:${target.modelVersion}@${target.environment}`, () => loadModel(target));
}
