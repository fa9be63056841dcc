/**
 * Blob receipts and poison reports, kept in the host's storage account like the Functions host does
 * (docs/local-host-contract.md, "Event Grid and blob triggers"): a receipt per (function, blob, ETag) at
 * `azure-webjobs-hosts/blobreceipts/<hostId>/<functionId>/<etag>/<container>/<blobName>`, so each blob
 * version fires once across restarts; blobs that failed every try go to the `webjobs-blobtrigger-poison`
 * queue and get a receipt marked failed.
 */
import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import type { QueueClient, QueueServiceClient } from '@azure/storage-queue';

export const HOSTS_CONTAINER = 'azure-webjobs-hosts';
export const POISON_QUEUE = 'webjobs-blobtrigger-poison';

/** One blob version as a function saw it. */
export interface BlobVersion {
  functionId: string;
  container: string;
  blobName: string;
  /** As the service returns it, quotes included. */
  etag: string;
  blobType: string;
}

/** The poison queue message (JSON, base64-encoded like the host's queue messages). */
export interface PoisonMessage {
  Type: 'BlobTrigger';
  FunctionId: string;
  BlobType: string;
  ContainerName: string;
  BlobName: string;
  ETag: string;
  Reason: string;
}

export class BlobReceipts {
  readonly #container: ContainerClient;
  readonly #queue: QueueClient;
  readonly #hostId: string;
  #ready: Promise<unknown> | undefined;

  constructor(blobs: BlobServiceClient, queues: QueueServiceClient, hostId: string) {
    this.#container = blobs.getContainerClient(HOSTS_CONTAINER);
    this.#queue = queues.getQueueClient(POISON_QUEUE);
    this.#hostId = hostId;
  }

  /** The receipt's blob name (quotes are dropped from the ETag). */
  nameOf(v: BlobVersion): string {
    return `blobreceipts/${this.#hostId}/${v.functionId}/${v.etag.replace(/"/g, '')}/${v.container}/${v.blobName}`;
  }

  /** Whether this version was already handled, successfully or not. */
  async has(v: BlobVersion): Promise<boolean> {
    return this.#container.getBlobClient(this.nameOf(v)).exists();
  }

  /** Records a handled version; a receipt that already exists is left as it is. */
  async write(
    v: BlobVersion,
    outcome: { status: 'succeeded' | 'failed'; attempts: number; reason?: string },
  ): Promise<void> {
    await this.#ensureContainer();
    const body = JSON.stringify({
      FunctionId: v.functionId,
      ContainerName: v.container,
      BlobName: v.blobName,
      ETag: v.etag,
      ...outcome,
      completedAt: new Date().toISOString(),
    });
    try {
      await this.#container.getBlockBlobClient(this.nameOf(v)).upload(body, Buffer.byteLength(body), {
        conditions: { ifNoneMatch: '*' },
        metadata: { status: outcome.status },
        blobHTTPHeaders: { blobContentType: 'application/json' },
      });
    } catch (error) {
      if (statusOf(error) !== 409) throw error;
    }
  }

  /** Reports a version that failed every try, then marks it failed so it is not tried again. */
  async poison(v: BlobVersion, attempts: number, reason: string): Promise<void> {
    const message: PoisonMessage = {
      Type: 'BlobTrigger',
      FunctionId: v.functionId,
      BlobType: v.blobType,
      ContainerName: v.container,
      BlobName: v.blobName,
      ETag: v.etag,
      Reason: reason,
    };
    await this.#queue.createIfNotExists();
    await this.#queue.sendMessage(Buffer.from(JSON.stringify(message)).toString('base64'));
    await this.write(v, { status: 'failed', attempts, reason });
  }

  #ensureContainer(): Promise<unknown> {
    this.#ready ??= this.#container.createIfNotExists().catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }
}

/** The HTTP status of a storage SDK error (`RestError`), without relying on one copy of its class. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}
