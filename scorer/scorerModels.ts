/**
 * Models loaded in the scorer: read from the registry's blob container (`models/{name}/{version}/
 * model.onnx`), opened on the scorer's execution providers (CUDA with a CPU fallback on GPU
 * replicas), warmed, and served through a dynamic batcher. Bounded; least recently used goes first.
 */
import type { ScorerConfig } from '../shared/scorerConfig';
import { SibylError } from '../shared/errors';
import { modelBlobPath, MODELS_CONTAINER } from '../shared/registry/modelBlobs';
import { canBatch, DynamicBatcher } from '../shared/scoring/batching/dynamicBatcher';
import type { ModelSignature, NamedTensor } from '../shared/scoring/datatypes';
import { ModelSession } from '../shared/scoring/modelSession';
import { SessionCache } from '../shared/scoring/sessionCache';
import { createBlobServiceClient } from '../shared/storage/blobService';
import { isNotFound } from '../shared/storage/cosmosErrors';

export class ScorerModel {
  constructor(
    readonly name: string,
    readonly version: number,
    readonly session: ModelSession,
    private readonly batcher: DynamicBatcher | undefined,
  ) {}

  get signature(): ModelSignature {
    return this.session.signature;
  }

  score(feeds: NamedTensor[]): Promise<NamedTensor[]> {
    return this.batcher ? this.batcher.submit(feeds) : this.session.run(feeds);
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

export class ScorerModels {
  readonly #cache: SessionCache<ScorerModel>;
  readonly #blobs;

  constructor(private readonly config: ScorerConfig) {
    this.#cache = new SessionCache<ScorerModel>({ maxEntries: config.maxModels });
    this.#blobs = createBlobServiceClient(config.storage).getContainerClient(MODELS_CONTAINER);
  }

  /** The model, loading and warming it on first use. */
  get(name: string, version: number): Promise<ScorerModel> {
    return this.#cache.get(`${name}:${version}`, () => this.#load(name, version));
  }

  /** Loaded and warmed already (readiness without loading). */
  isReady(name: string, version: number): boolean {
    return this.#cache.peek(`${name}:${version}`)?.session.ready ?? false;
  }

  close(): Promise<void> {
    return this.#cache.clear();
  }

  async #load(name: string, version: number): Promise<ScorerModel> {
    let bytes: Buffer;
    try {
      bytes = await this.#blobs.getBlockBlobClient(modelBlobPath(name, version)).downloadToBuffer();
    } catch (error) {
      if (isNotFound(error) || (error as { statusCode?: number }).statusCode === 404) {
        throw new SibylError('ModelNotFound', `Model ${name}:${version} is not in the registry's blob container.`);
      }
      throw error;
    }
    const session = await ModelSession.loadWarm(bytes, { executionProviders: this.config.executionProviders });
    const batcher = canBatch(session.signature)
      ? new DynamicBatcher({ maxBatchSize: this.config.maxBatchSize, maxQueueDelayMs: this.config.maxQueueDelayMs, run: (feeds) => session.run(feeds) })
      : undefined;
    return new ScorerModel(name, version, session, batcher);
  }
}
