/**
 * Sibyl's own blobs for batch jobs, in container `sibyl-batch`: `{jobId}/job.json`, `files.json`,
 * the plan in parts of {@link PLAN_PART_SIZE} mini-batches, and one partial output per mini-batch.
 * Names derive from the job and the mini-batch index only, so a retried or replayed
 * activity overwrites what an earlier attempt wrote.
 */
import { Readable } from 'node:stream';
import type { BlobClient } from '@azure/storage-blob';
import { ownContainer } from '../storage/blobService';

export const JOBS_CONTAINER = 'sibyl-batch';
/** Mini-batches described by one plan blob. */
export const PLAN_PART_SIZE = 256;

/** The container, created on first use. */
export const jobsContainer = ownContainer(JOBS_CONTAINER);

const pad = (n: number, width = 8) => String(n).padStart(width, '0');

export const jobBlobs = {
  files: (jobId: string) => `${jobId}/files.json`,
  planPart: (jobId: string, part: number) => `${jobId}/plan/${pad(part)}.json`,
  partialsPrefix: (jobId: string) => `${jobId}/partials/`,
  partial: (jobId: string, index: number) => `${jobId}/partials/${pad(index)}.csv`,
};

export async function writeJobJson(name: string, value: unknown): Promise<void> {
  const body = Buffer.from(JSON.stringify(value));
  await (
    await jobsContainer()
  )
    .getBlockBlobClient(name)
    .uploadData(body, { blobHTTPHeaders: { blobContentType: 'application/json' } });
}

export async function readJobJson<T>(name: string): Promise<T> {
  const buffer = await (await jobsContainer()).getBlobClient(name).downloadToBuffer();
  return JSON.parse(buffer.toString('utf8')) as T;
}

/** Bytes `[start, end)` of a blob. */
export async function readRange(blob: BlobClient, start: number, end: number): Promise<Buffer> {
  if (end <= start) return Buffer.alloc(0);
  return blob.downloadToBuffer(start, end - start, { blockSize: 8 * 1024 * 1024, concurrency: 2 });
}

/**
 * Bytes `[start, end)` of a blob as they arrive (the socket's pieces, tens of KB), in ranged requests
 * of at most `requestBytes`, the next request started while the current one is read. Nothing is
 * gathered or copied: a reader that scans bytes works on each piece as it comes, and no large
 * buffer is allocated (large buffers cost full garbage collections in a long-lived worker).
 * `more(next)`: asked once `end` is reached, how many bytes past `next` to read on (0: stop).
 */
export async function* blobPieces(
  blob: BlobClient,
  start: number,
  end: number,
  requestBytes: number,
  more: (next: number) => number = () => 0,
): AsyncGenerator<Buffer> {
  let next = start;
  let limit = end;
  const request = (): Promise<NodeJS.ReadableStream> => {
    const to = Math.min(limit, next + requestBytes);
    const response = blob.download(next, to - next).then((r) => r.readableStreamBody ?? Readable.from([]));
    // Awaited in turn; one started ahead must not fail unhandled meanwhile.
    response.catch(() => undefined);
    next = to;
    return response;
  };
  let current = next < limit ? request() : undefined;
  let ahead: Promise<NodeJS.ReadableStream> | undefined;
  let reading: NodeJS.ReadableStream | undefined;
  try {
    while (current) {
      reading = await current;
      ahead = next < limit ? request() : undefined;
      for await (const piece of reading) yield piece as Buffer;
      reading = undefined;
      if (!ahead && next >= limit) {
        limit = next + more(next);
        if (next < limit) ahead = request();
      }
      current = ahead;
      ahead = undefined;
    }
  } finally {
    // A reader that stopped early (its range ended inside this request) drops the rest.
    (reading as Readable | undefined)?.destroy();
    void ahead?.then(
      (stream) => (stream as Readable).destroy(),
      () => undefined,
    );
  }
}

/** Small immutable JSON blobs (job context, plan parts) cached in this instance. */
export class JsonCache<T> {
  private readonly entries = new Map<string, Promise<T>>();

  constructor(private readonly max = 64) {}

  get(name: string, load: () => Promise<T> = () => readJobJson<T>(name)): Promise<T> {
    const hit = this.entries.get(name);
    if (hit) return hit;
    const loading = load();
    loading.catch(() => this.entries.delete(name));
    this.entries.set(name, loading);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return loading;
  }
}
