/**
 * Models loaded in the scorer: read from the registry's blob container (the version's manifest
 * `models/{name}/{version}.manifest.json`, then its files into a local folder, each checked against
 * its recorded SHA-256), opened from that folder on the scorer's execution providers (CUDA with a CPU
 * fallback on GPU replicas), warmed, and served through a dynamic batcher. Bounded; least recently
 * used goes first.
 */
import type { ScorerConfig } from '../shared/scorerConfig';
import { SibylError } from '../shared/errors';
import { filesDigest, modelBlobPath, modelManifestPath, MODELS_CONTAINER } from '../shared/registry/modelBlobs';
import type { ModelManifest } from '../shared/registry/modelDocuments';
import { ModelFolderCache } from '../shared/registry/modelFolderCache';
import { openModelFolder } from '../shared/registry/modelLoader';
import { warmUp } from '../shared/registry/warmUp';
import { canBatch, DynamicBatcher } from '../shared/scoring/batching/dynamicBatcher';
import type { Caller, ScoringTarget } from '../shared/scoring/dataPlane';
import type { ModelFile } from '../shared/scoring/modelSource';
import type { ModelSignature, NamedTensor } from '../shared/scoring/datatypes';
import { ModelSession } from '../shared/scoring/modelSession';
import { SessionCache } from '../shared/scoring/sessionCache';
import { createBlobServiceClient } from '../shared/storage/blobService';
import { ThreadedModel } from './threadedModel';
import { isNotFound } from '../shared/storage/cosmosErrors';

/** What serves a model: a session on this thread, or one in a thread of its own (`ThreadedModel`). */
export type ScorerSession = Pick<ModelSession, 'signature' | 'executionProviders' | 'ready' | 'run' | 'release'>;

export class ScorerModel implements ScoringTarget {
  constructor(
    readonly name: string,
    readonly version: number,
    readonly session: ScorerSession,
    private readonly batcher: DynamicBatcher | undefined,
    /** What went less than well while loading (a failed warm-up inference). */
    readonly warnings: readonly string[] = [],
    /** Digest of the files it was loaded from (`filesDigest`). */
    readonly filesDigest = '',
    /** Bytes of the files it was loaded from. */
    readonly sizeBytes = 0,
  ) {}

  get signature(): ModelSignature {
    return this.session.signature;
  }

  /** `caller`: when it goes away, a request still queued is dropped unscored. */
  score(feeds: NamedTensor[], caller?: Caller): Promise<NamedTensor[]> {
    if (caller?.goneReason) return Promise.reject(caller.goneReason);
    if (!this.batcher) return this.session.run(feeds);
    const queued = this.batcher.enqueue(feeds);
    caller?.onGone((reason) => queued.cancel(reason));
    return queued.result;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

function checkDigest(model: ScorerModel, expectedDigest: string | undefined): ScorerModel {
  if (expectedDigest && expectedDigest !== model.filesDigest) {
    throw new SibylError(
      'ModelIntegrity',
      `Model ${model.name}:${model.version} in storage is not what the registry recorded ` +
        `(files sha256 ${expectedDigest}, storage ${model.filesDigest}); ` +
        `register it again.`,
    );
  }
  return model;
}

export class ScorerModels {
  readonly #cache: SessionCache<ScorerModel>;
  readonly #blobs;
  readonly #folders: ModelFolderCache;

  constructor(
    private readonly config: ScorerConfig,
    /** Sessions in threads of their own, for costly models (`threadedModel.ts`). */
    private readonly threaded = false,
  ) {
    this.#cache = new SessionCache<ScorerModel>({ maxEntries: config.maxModels });
    this.#folders = new ModelFolderCache(config.modelCache);
    this.#blobs = createBlobServiceClient(config.storage).getContainerClient(MODELS_CONTAINER);
  }

  /**
   * The model, loading and warming it on first use. `expectedDigest` (from the app, which read it from
   * the registry) must match the files loaded, so a manifest rewritten in storage is caught too.
   */
  async get(name: string, version: number, expectedDigest?: string): Promise<ScorerModel> {
    const model = await this.#cache.get(`${name}:${version}`, () => this.#load(name, version));
    return checkDigest(model, expectedDigest);
  }

  /**
   * `get` without waiting, for a request's fast path: the model when it is loaded already (checked
   * against `expectedDigest` as `get` checks it), else undefined. `key` is `name:version`.
   */
  loaded(key: string, expectedDigest?: string): ScorerModel | undefined {
    const model = this.#cache.hit(key);
    return model && checkDigest(model, expectedDigest);
  }

  /** Loaded and warmed already (readiness without loading). */
  isReady(name: string, version: number): boolean {
    return this.#cache.peek(`${name}:${version}`)?.session.ready ?? false;
  }

  close(): Promise<void> {
    return this.#cache.clear();
  }

  /** A version's manifest and verified local folder, for user code that reads the files itself (environments issue). */
  async folderOf(name: string, version: number): Promise<{ manifest: ModelManifest; folder: string }> {
    const manifest = await this.#manifest(name, version);
    return { manifest, folder: await this.#folders.materialise(manifest, this.#blobs) };
  }

  /** The ONNX file of an `onnx`/`mlflow` version, checked as this scorer's own sessions' files are. */
  modelFileOf(manifest: ModelManifest): Promise<ModelFile> {
    return openModelFolder(manifest, this.#blobs, this.#folders);
  }

  async #load(name: string, version: number): Promise<ScorerModel> {
    const manifest = await this.#manifest(name, version);
    const source = await openModelFolder(manifest, this.#blobs, this.#folders);
    const { executionProviders, intraOpNumThreads, interOpNumThreads, graphOptimizationLevel } = this.config;
    const options = {
      executionProviders,
      intraOpNumThreads,
      interOpNumThreads,
      graphOptimizationLevel,
      // The batcher keeps ONNX Runtime's threads busy in bursts; between them they sleep, leaving the
      // cores to HTTP (spinning cost a tiny model's server about a third of its CPU).
      allowSpinning: false,
    };
    let session: ScorerSession;
    let warnings: string[];
    if (this.threaded) {
      const threaded = await ThreadedModel.load(source, options, manifest);
      [session, warnings] = [threaded, [...threaded.warnings]];
    } else {
      const local = await ModelSession.load(source, options);
      [session, warnings] = [local, await warmUp(local, manifest)];
    }
    const batcher = canBatch(session.signature)
      ? new DynamicBatcher({
          maxBatchSize: this.config.maxBatchSize,
          maxQueueDelayMs: this.config.maxQueueDelayMs,
          run: (feeds) => session.run(feeds),
        })
      : undefined;
    const sizeBytes = manifest.files.reduce((sum, file) => sum + file.sizeBytes, 0);
    return new ScorerModel(name, version, session, batcher, warnings, filesDigest(manifest.files), sizeBytes);
  }

  /** The version's manifest; a version registered before folders has none: its one file's blob metadata holds the checksum. */
  async #manifest(name: string, version: number): Promise<ModelManifest> {
    const notFound = () =>
      new SibylError('ModelNotFound', `Model ${name}:${version} is not in the registry's blob container.`);
    const is404 = (error: unknown) => isNotFound(error) || (error as { statusCode?: number }).statusCode === 404;
    try {
      const text = (await this.#blobs.getBlockBlobClient(modelManifestPath(name, version)).downloadToBuffer()).toString(
        'utf8',
      );
      return JSON.parse(text) as ModelManifest;
    } catch (error) {
      if (!is404(error)) throw error;
    }
    try {
      const properties = await this.#blobs.getBlockBlobClient(modelBlobPath(name, version)).getProperties();
      const sha256 = properties.metadata?.sha256;
      if (!sha256)
        throw new SibylError(
          'ModelIntegrity',
          `Model ${name}:${version} has no recorded sha256 in storage; register it again.`,
        );
      return {
        name,
        version,
        type: 'onnx',
        modelFile: 'model.onnx',
        files: [{ path: 'model.onnx', sizeBytes: properties.contentLength ?? 0, sha256 }],
      };
    } catch (error) {
      if (is404(error)) throw notFound();
      throw error;
    }
  }
}
