/**
 * Deployments loaded in this instance: the model session (warmed) or the deployment's scorer app,
 * its dynamic batcher, its bounded queue and the request timeout. Cached per deployment and bounded.
 * A changed deployment (newer `updatedAt`) loads and warms while the current one keeps serving, then
 * takes over atomically; the old one drains its requests before it is released.
 */
import { getConfig } from '../config';
import { SibylError } from '../errors';
import { resolveEnvironment, sessionOptionsOf, type Environment } from '../registry/environments';
import { runtimeOf, USER_CODE_ON_FUNCTIONS } from '../registry/environmentRuntime';
import { filesDigest } from '../registry/modelBlobs';
import { manifestOf } from '../registry/modelDocuments';
import { assertServableByOnnx, modelFileOf } from '../registry/modelLoader';
import { readVersionDoc } from '../registry/modelRegistry';
import { warmUp } from '../registry/warmUp';
import { canBatch, DynamicBatcher } from '../scoring/batching/dynamicBatcher';
import type { ScoringTarget } from '../scoring/dataPlane';
import type { ModelSignature, NamedTensor } from '../scoring/datatypes';
import { ModelSession } from '../scoring/modelSession';
import { SessionCache } from '../scoring/sessionCache';
import type { TensorRunner } from '../scoring/tensorRunner';
import { getComputeClient } from '../compute/computeClient';
import { scorerAppSpecOf } from '../compute/deploymentScorerSpec';
import { FUNCTIONS_CONCURRENCY, replicaSettings } from './instanceSettings';
import { RemoteRunner } from './remoteRunner';
import { UserCodeRunner } from './userCodeRunner';
import type { DeploymentDoc } from './endpointDocuments';
import { recordBatch } from './metrics/metricsRecorder';

export const DEFAULTS = {
  maxBatchSize: 64,
  maxQueueDelayMs: 0,
  maxConcurrentRequestsPerInstance: FUNCTIONS_CONCURRENCY,
  requestTimeoutMs: 5000,
} as const;

/**
 * Requests one instance of the app takes for a deployment at once (queued or scoring); past it, 429.
 * A `functions` deployment: its per-instance concurrency. A `container`/`gpu` one: what its replicas
 * take at their largest (target × max replicas), once more as queue.
 */
function queueLimit(doc: DeploymentDoc, kind: 'functions' | 'container' | 'gpu'): number {
  if (kind === 'functions')
    return doc.instance.maxConcurrentRequestsPerInstance ?? DEFAULTS.maxConcurrentRequestsPerInstance;
  const r = replicaSettings(kind, doc.instance);
  return 2 * r.maxConcurrentRequestsPerInstance * r.maxInstances;
}

export class LoadedDeployment implements ScoringTarget {
  #inFlight = 0;
  #idle: (() => void)[] = [];

  constructor(
    readonly doc: DeploymentDoc,
    readonly environment: Environment,
    /** The local ONNX Runtime session, or the deployment's scorer app for `container`/`gpu` compute. */
    readonly session: TensorRunner,
    readonly batcher: DynamicBatcher | undefined,
    /** Requests queued or scoring at once beyond which a request is refused with 429. */
    readonly limit: number,
    /** What went less than well while loading (e.g. a failed warm-up inference). */
    readonly warnings: readonly string[] = [],
    /** Column names of a column-based MLflow signature, which scoring bodies may use. */
    readonly columns?: readonly string[],
  ) {}

  /**
   * Refuses at once (429) when the deployment's queue is full: called before a request is decoded,
   * so that under overload a refusal costs far less than an answer.
   */
  checkCapacity(): void {
    if (this.#inFlight >= this.limit) {
      throw new SibylError(
        'TooManyRequests',
        `Deployment '${this.doc.name}' has ${this.limit} requests queued or scoring, its limit; retry shortly.`,
        undefined,
        { 'Retry-After': '1' },
      );
    }
  }

  get signature(): ModelSignature {
    return this.session.signature;
  }

  get ready(): boolean {
    return this.session.ready;
  }

  /** The deployment's replicas when its environment runs user code (requests go to them raw). */
  get userCode(): UserCodeRunner | undefined {
    return this.session instanceof UserCodeRunner ? this.session : undefined;
  }

  /** Scores one request: refuses past the concurrency cap (429), gives up after the timeout (408). */
  score(feeds: NamedTensor[]): Promise<NamedTensor[]> {
    return this.#bounded(() => {
      if (this.batcher) {
        const queued = this.batcher.enqueue(feeds);
        return { work: queued.result, leave: (reason) => queued.cancel(reason) };
      }
      const abort = new AbortController();
      return { work: this.runDirect(feeds, abort.signal), leave: (reason) => abort.abort(reason) };
    });
  }

  /** Runs one request's `work` (given a signal that aborts it) under the same queue bound and timeout. */
  guarded<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return this.#bounded(() => {
      const abort = new AbortController();
      return { work: work(abort.signal), leave: (reason) => abort.abort(reason) };
    });
  }

  async #bounded<T>(start: () => Running<T>): Promise<T> {
    this.checkCapacity();
    this.#inFlight++;
    try {
      return await this.#inTime(start());
    } finally {
      if (--this.#inFlight === 0) for (const wake of this.#idle.splice(0)) wake();
    }
  }

  /** The result, or a 408 once `requestTimeoutMs` passes; a request that times out leaves the queue unscored. */
  #inTime<T>({ work, leave }: Running<T>): Promise<T> {
    const started = performance.now();
    const timeoutMs = this.doc.requestTimeoutMs;
    const timedOut = () =>
      new SibylError('Timeout', `Scoring took longer than the deployment's requestTimeoutMs of ${timeoutMs} ms.`);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        leave(timedOut());
        reject(timedOut());
      }, timeoutMs);
      work.then(
        (result) => {
          clearTimeout(timer);
          // ONNX Runtime runs on this thread, so the timer cannot fire during a long run: check afterwards too.
          if (performance.now() - started > timeoutMs) reject(timedOut());
          else resolve(result);
        },
        (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  private async runDirect(feeds: NamedTensor[], signal: AbortSignal): Promise<NamedTensor[]> {
    const outputs = await this.session.run(feeds, undefined, signal);
    recordBatch(this.doc.endpoint, this.doc.name, feeds[0]?.shape[0] ?? 1);
    return outputs;
  }

  /**
   * Drains, then releases: requests already given this deployment (queued or scoring) finish first.
   * The turn of the event loop waited first lets requests that took it just before a swap start.
   */
  async release(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    while (this.#inFlight > 0) await new Promise<void>((resolve) => this.#idle.push(resolve));
    await this.session.release();
  }
}

/** Work under way, and how to make it leave (the queue, or the scorer through the signal). */
interface Running<T> {
  work: Promise<T>;
  leave: (reason: Error) => void;
}

const cache = new SessionCache<LoadedDeployment>({ maxEntries: 16 });
const cacheKey = (doc: DeploymentDoc) => `${doc.endpoint}/${doc.name}`;

/**
 * Loads `doc`. A `container`/`gpu` deployment's scorer app is created or updated when `provision`
 * (a PUT) or when it is missing or serves another revision; otherwise its current address is used.
 */
async function load(doc: DeploymentDoc, provision: boolean): Promise<LoadedDeployment> {
  const environment = await resolveEnvironment(doc.environment);
  const compute = environment.compute?.kind ?? 'functions';
  const version = await readVersionDoc(doc.modelName, doc.modelVersion);
  const manifest = manifestOf(version);
  const runtime = runtimeOf(environment);
  if (runtime === 'onnx') assertServableByOnnx(manifest);
  else if (compute === 'functions')
    throw new SibylError(
      'InvalidInput',
      `Runtime '${runtime}' cannot run on functions compute: ${USER_CODE_ON_FUNCTIONS}.`,
    );
  if (compute !== 'functions') {
    const client = getComputeClient();
    const spec = scorerAppSpecOf(doc, environment, compute);
    let status = provision ? undefined : await client.status(doc.endpoint, doc.name);
    if (!status?.url || status.revision !== spec.revision || status.provisioningState === 'Failed')
      status = await client.apply(spec);
    if (runtime !== 'onnx') {
      const target = { endpoint: doc.endpoint, deployment: doc.name, runtime, compute, url: status.url! };
      const replicas = new UserCodeRunner(getConfig().scorer, target);
      return new LoadedDeployment(doc, environment, replicas, undefined, queueLimit(doc, compute));
    }
    // The scorer batches on its side; here only the queue bound and the timeout apply.
    const runner = await RemoteRunner.connect(getConfig().scorer, {
      name: doc.modelName,
      version: doc.modelVersion,
      compute,
      url: status.url!,
      filesDigest: filesDigest(manifest.files),
    });
    return new LoadedDeployment(doc, environment, runner, undefined, queueLimit(doc, compute), [], version.columns);
  }
  // Only what cannot load is refused; a failed warm-up inference is a warning.
  // The host's event loop decodes, batches and answers every request on the cores ONNX Runtime's threads
  // share: spinning between runs, its idle intra-op thread took a quarter of the host's CPU (tiny bench model).
  const options = { ...sessionOptionsOf(environment), allowSpinning: false };
  const session = await ModelSession.load(await modelFileOf(manifest), options);
  const warnings = await warmUp(session, version);
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
  return new LoadedDeployment(
    doc,
    environment,
    session,
    batcher,
    queueLimit(doc, 'functions'),
    warnings,
    version.columns,
  );
}

/** Successors loading in the background, by cache key: one per deployment version. */
const successors = new Map<string, { updatedAt: string; done: Promise<unknown> }>();
/** A successor that failed to load is not tried again for this long (the current one keeps serving). */
const SUCCESSOR_RETRY_MS = 30_000;

/**
 * The loaded deployment for `doc`, loading (and warming) it on first use in this instance. When `doc`
 * is newer than what is loaded, the loaded one keeps serving while the new one loads and warms.
 */
export async function loadedDeployment(doc: DeploymentDoc): Promise<LoadedDeployment> {
  const key = cacheKey(doc);
  const loaded = await cache.get(key, () => load(doc, false));
  if (loaded.doc.updatedAt >= doc.updatedAt) return loaded;
  const pending = successors.get(key);
  if (!pending || pending.updatedAt < doc.updatedAt) {
    const done = cache
      .replace(key, () => load(doc, false))
      .then(
        () => successors.delete(key),
        () =>
          setTimeout(() => successors.get(key)?.done === done && successors.delete(key), SUCCESSOR_RETRY_MS).unref(),
      );
    successors.set(key, { updatedAt: doc.updatedAt, done });
  }
  return loaded;
}

/** The deployment for `doc` when it is loaded and current here, without a wait; else undefined. */
export function currentDeployment(doc: DeploymentDoc): LoadedDeployment | undefined {
  const loaded = cache.hit(cacheKey(doc));
  return loaded && loaded.doc.updatedAt >= doc.updatedAt ? loaded : undefined;
}

/**
 * Loads and warms a deployment that is not stored yet (PUT answers only once it can serve), while
 * the version it replaces keeps serving; then swaps it in. A failure leaves the old one in place.
 */
export async function prepareDeployment(doc: DeploymentDoc): Promise<LoadedDeployment> {
  return cache.replace(cacheKey(doc), () => load(doc, true));
}

/** Releases the deployment here, and its scorer app (replicas) if it has one. */
export async function releaseDeployment(endpoint: string, deployment: string): Promise<void> {
  await cache.delete(`${endpoint}/${deployment}`);
  if (getConfig().compute.kind) await getComputeClient().remove(endpoint, deployment);
}

/** Whether this instance has `endpoint/deployment` loaded and warmed (OIP readiness). */
export function isLoaded(endpoint: string, deployment: string): boolean {
  return cache.peek(`${endpoint}/${deployment}`)?.ready ?? false;
}
