/**
 * Deployments loaded in this instance: the model session (warmed), its dynamic batcher, the
 * concurrency cap and the request timeout. Cached per deployment and bounded; a changed
 * deployment (new `updatedAt`) is reloaded, a deleted one released.
 */
import { getConfig } from '../config';
import { SibylError } from '../errors';
import { resolveEnvironment, sessionOptionsOf, type Environment } from '../registry/environments';
import { filesDigest } from '../registry/modelBlobs';
import { manifestOf } from '../registry/modelDocuments';
import { assertServableByOnnx, modelFileOf } from '../registry/modelLoader';
import { readVersionDoc } from '../registry/modelRegistry';
import { warmUp } from '../registry/warmUp';
import { canBatch, DynamicBatcher } from '../scoring/batching/dynamicBatcher';
import type { ModelSignature, NamedTensor } from '../scoring/datatypes';
import { ModelSession } from '../scoring/modelSession';
import { SessionCache } from '../scoring/sessionCache';
import type { TensorRunner } from '../scoring/tensorRunner';
import { RemoteRunner } from './remoteRunner';
import type { DeploymentDoc } from './endpointDocuments';
import { recordBatch } from './metrics/metricsRecorder';

export const DEFAULTS = { maxBatchSize: 64, maxQueueDelayMs: 0, maxConcurrentRequestsPerInstance: 128, requestTimeoutMs: 5000 } as const;

export class LoadedDeployment {
  #inFlight = 0;

  constructor(
    readonly doc: DeploymentDoc,
    readonly environment: Environment,
    /** The local ONNX Runtime session, or the scorer container for `container`/`gpu` compute. */
    readonly session: TensorRunner,
    readonly batcher: DynamicBatcher | undefined,
    /** What went less than well while loading (e.g. a failed warm-up inference). */
    readonly warnings: readonly string[] = [],
    /** Column names of a column-based MLflow signature, which scoring bodies may use. */
    readonly columns?: readonly string[],
  ) {}

  get signature(): ModelSignature {
    return this.session.signature;
  }

  get ready(): boolean {
    return this.session.ready;
  }

  /**
   * Scores one request: refuses past the concurrency cap (429), gives up after the timeout (408).
   * `outputs` filters what comes back.
   */
  async score(feeds: NamedTensor[], outputNames?: readonly string[]): Promise<NamedTensor[]> {
    const cap = this.doc.instance.maxConcurrentRequestsPerInstance ?? DEFAULTS.maxConcurrentRequestsPerInstance;
    if (this.#inFlight >= cap) {
      throw new SibylError('TooManyRequests', `Deployment '${this.doc.name}' is at its limit of ${cap} concurrent requests per instance; retry shortly.`, undefined, { 'Retry-After': '1' });
    }
    this.#inFlight++;
    let timer: NodeJS.Timeout | undefined;
    try {
      const started = performance.now();
      const work = this.batcher ? this.batcher.submit(feeds) : this.runDirect(feeds);
      const timeoutMs = this.doc.requestTimeoutMs;
      const timedOut = () => new SibylError('Timeout', `Scoring took longer than the deployment's requestTimeoutMs of ${timeoutMs} ms.`);
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(timedOut()), timeoutMs);
      });
      work.catch(() => undefined);
      const outputs = await Promise.race([work, timeout]);
      // ONNX Runtime runs on this thread, so the timer cannot fire during a long run: check afterwards too.
      if (performance.now() - started > timeoutMs) throw timedOut();
      return outputNames ? outputs.filter((o) => outputNames.includes(o.name)) : outputs;
    } finally {
      clearTimeout(timer);
      this.#inFlight--;
    }
  }

  private async runDirect(feeds: NamedTensor[]): Promise<NamedTensor[]> {
    const outputs = await this.session.run(feeds);
    recordBatch(this.doc.endpoint, this.doc.name, feeds[0]?.shape[0] ?? 1);
    return outputs;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

const cache = new SessionCache<LoadedDeployment>({ maxEntries: 16 });
const cacheKey = (doc: DeploymentDoc) => `${doc.endpoint}/${doc.name}`;

async function load(doc: DeploymentDoc): Promise<LoadedDeployment> {
  const environment = await resolveEnvironment(doc.environment);
  const compute = environment.compute?.kind ?? 'functions';
  const version = await readVersionDoc(doc.modelName, doc.modelVersion);
  const manifest = manifestOf(version);
  assertServableByOnnx(manifest);
  if (compute !== 'functions') {
    // The scorer batches on its side; here only the cap and the timeout apply.
    const runner = await RemoteRunner.connect(getConfig().scorer, { name: doc.modelName, version: doc.modelVersion, compute, filesDigest: filesDigest(manifest.files) });
    return new LoadedDeployment(doc, environment, runner, undefined, [], version.columns);
  }
  // Only what cannot load is refused; a failed warm-up inference is a warning.
  const session = await ModelSession.load(await modelFileOf(manifest), sessionOptionsOf(environment));
  let warnings: string[];
  try {
    warnings = await warmUp(session, version);
  } catch (error) {
    await session.release();
    throw error;
  }
  const batching = doc.batching;
  const batcher = canBatch(session.signature)
    ? new DynamicBatcher({
        maxBatchSize: batching.maxBatchSize ?? DEFAULTS.maxBatchSize,
        maxQueueDelayMs: batching.maxQueueDelayMs ?? DEFAULTS.maxQueueDelayMs,
        run: async (feeds) => {
          const outputs = await session.run(feeds);
          recordBatch(doc.endpoint, doc.name, feeds[0]?.shape[0] ?? 1);
          return outputs;
        },
      })
    : undefined;
  return new LoadedDeployment(doc, environment, session, batcher, warnings, version.columns);
}

/** The loaded deployment for `doc`, loading (and warming) it on first use in this instance. */
export async function loadedDeployment(doc: DeploymentDoc): Promise<LoadedDeployment> {
  const key = cacheKey(doc);
  const loaded = await cache.get(key, () => load(doc));
  if (loaded.doc.updatedAt === doc.updatedAt) return loaded;
  await cache.delete(key);
  return cache.get(key, () => load(doc));
}

/** Loads and warms a deployment that is not stored yet (PUT answers only once it can serve). */
export async function prepareDeployment(doc: DeploymentDoc): Promise<LoadedDeployment> {
  await cache.delete(cacheKey(doc));
  return cache.get(cacheKey(doc), () => load(doc));
}

export async function releaseDeployment(endpoint: string, deployment: string): Promise<void> {
  await cache.delete(`${endpoint}/${deployment}`);
}

/** Whether this instance has `endpoint/deployment` loaded and warmed (OIP readiness). */
export function isLoaded(endpoint: string, deployment: string): boolean {
  return cache.peek(`${endpoint}/${deployment}`)?.ready ?? false;
}
