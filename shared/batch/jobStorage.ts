/**
 * Sibyl's own blobs for batch jobs, in container `sibyl-batch`: `{jobId}/job.json`, `files.json`,
 * the plan in parts of {@link PLAN_PART_SIZE} mini-batches, and one partial output per mini-batch.
 * Names derive from the job and the mini-batch index only, so a retried or replayed
 * activity overwrites what an earlier attempt wrote.
 */
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
