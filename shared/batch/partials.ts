/**
 * Partial outputs, zero-copy: each mini-batch stages its lines (already `file,row,<values>`, rows
 * numbered from the plan) as one uncommitted block of the job's final output blob, under a block id
 * derived from the job and the mini-batch index, then leaves a marker blob
 * (`sibyl-batch/{jobId}/partials/{index}.csv`, empty) whose metadata says how many rows it staged and
 * the output widths. The merge commits the header and the blocks in index order; no byte is copied,
 * and the blob's previous content stays readable until that commit replaces it atomically.
 *
 * A retry stages the same id again, which replaces the uncommitted block: exactly once per index.
 */
import { createHash } from 'node:crypto';
import type { BlockBlobClient } from '@azure/storage-blob';
import { blobNameOf, containerOf } from '../datastores/datastorePaths';
import type { JobContext } from './jobContext';
import { jobBlobs, jobsContainer } from './jobStorage';

/** A block blob holds at most this many committed blocks: one per mini-batch plus the header. */
export const MAX_OUTPUT_BLOCKS = 50_000;

export interface PartialInfo {
  /** Rows staged (0: nothing was staged for this mini-batch). */
  rows: number;
  /** Values per row of each output. */
  widths?: number[];
}

/**
 * The block id of a mini-batch's output (or of the header) in the final blob. Every id Sibyl
 * writes has one length, as Blob Storage requires of the uncommitted blocks of a blob.
 */
export function blockIdOf(jobId: string, slot: number | 'header'): string {
  const tag = createHash('sha256').update(jobId).digest('hex').slice(0, 16);
  const name = slot === 'header' ? `${tag}h${'0'.repeat(10)}` : `${tag}m${String(slot).padStart(10, '0')}`;
  return Buffer.from(name).toString('base64');
}

const ensured = new Map<string, Promise<unknown>>();

/** The job's final output blob (its container created once per job in this instance). */
export async function outputBlobOf(context: JobContext): Promise<BlockBlobClient> {
  const container = containerOf(context.output);
  let ready = ensured.get(context.jobId);
  if (!ready) {
    ready = container.createIfNotExists();
    ready.catch(() => ensured.delete(context.jobId));
    ensured.set(context.jobId, ready);
    if (ensured.size > 256) ensured.delete(ensured.keys().next().value!);
  }
  await ready;
  return container.getBlockBlobClient(blobNameOf(context.output, context.output.path));
}

/** Stages mini-batch `index`'s lines as its block of the final output, then records its marker. */
export async function stagePartial(context: JobContext, index: number, body: Buffer, info: PartialInfo): Promise<void> {
  if (info.rows > 0) await (await outputBlobOf(context)).stageBlock(blockIdOf(context.jobId, index), body, body.length);
  const metadata: Record<string, string> = { rows: String(info.rows) };
  if (info.widths) metadata.widths = info.widths.join(',');
  await (
    await jobsContainer()
  )
    .getBlockBlobClient(jobBlobs.partial(context.jobId, index))
    .uploadData(Buffer.alloc(0), { metadata });
}

/** Every mini-batch that staged its output, in index order, with its marker's metadata. */
export async function listPartials(jobId: string): Promise<({ index: number } & PartialInfo)[]> {
  const jobs = await jobsContainer();
  const prefix = jobBlobs.partialsPrefix(jobId);
  const partials: ({ index: number } & PartialInfo)[] = [];
  for await (const item of jobs.listBlobsFlat({ prefix, includeMetadata: true })) {
    const meta = item.metadata ?? {};
    partials.push({
      index: Number(item.name.slice(prefix.length).replace(/\.csv$/, '')),
      rows: Number(meta.rows ?? 0),
      ...(meta.widths ? { widths: meta.widths.split(',').map(Number) } : {}),
    });
  }
  return partials.sort((a, b) => a.index - b.index);
}
