/**
 * Fan-in of a batch job: concatenates the partial outputs, in mini-batch (= input) order, into
 * `predictions.csv` (or `fileName`) under one header, as blocks of one block blob, so each partial is
 * read once and nothing is held whole in memory. Re-running it rewrites the same file. For
 * `summary_only`, writes `summary.json` instead.
 *
 * @example const { rows } = await mergeOutputs('batch-1');
 */
import { createHash } from 'node:crypto';
import { blobNameOf, containerOf } from '../datastores/datastorePaths';
import type { TensorSpec } from '../scoring/datatypes';
import { outputColumns } from './columnLayout';
import { csvField } from './csvText';
import { loadJobContext } from './jobContext';
import { jobBlobs, jobsContainer } from './jobStorage';

/** Partials are concatenated into blocks of about this size. */
const BLOCK_BYTES = 8 * 1024 * 1024;
const DOWNLOADS_AT_ONCE = 8;

function defaultWidth(spec: TensorSpec): number {
  return spec.shape.slice(1).reduce((a, b) => a * (b > 0 ? b : 1), 1);
}

/** Writes `predictions.csv` from the partials; returns the rows it holds. */
export async function mergeOutputs(jobId: string): Promise<{ rows: number; bytes: number }> {
  const context = await loadJobContext(jobId);
  const jobs = await jobsContainer();
  const partials: { name: string; rows: number; widths?: number[] }[] = [];
  for await (const item of jobs.listBlobsFlat({ prefix: jobBlobs.partialsPrefix(jobId), includeMetadata: true })) {
    const widths = item.metadata?.widths;
    partials.push({ name: item.name, rows: Number(item.metadata?.rows ?? 0), ...(widths ? { widths: widths.split(',').map(Number) } : {}) });
  }
  partials.sort((a, b) => (a.name < b.name ? -1 : 1));
  const widths = partials.find((p) => p.widths)?.widths ?? context.signature.outputs.map(defaultWidth);
  const header = outputColumns(context.signature.outputs.map((o, i) => ({ name: o.name, width: widths[i] ?? 1 }))).map(csvField).join(',');

  const output = containerOf(context.output);
  await output.createIfNotExists();
  const target = output.getBlockBlobClient(blobNameOf(context.output, context.output.path));
  // Block ids must have one length per blob; a file left by another writer may use other ids.
  await target.deleteIfExists();
  const tag = createHash('sha256').update(jobId).digest('hex').slice(0, 8);
  const ids: string[] = [];
  let pending: Buffer[] = [Buffer.from(`${header}\n`)];
  let pendingBytes = pending[0]!.length;
  let bytes = 0;
  const stage = async (): Promise<void> => {
    const id = Buffer.from(`${tag}-${String(ids.length).padStart(8, '0')}`).toString('base64');
    const body = Buffer.concat(pending, pendingBytes);
    await target.stageBlock(id, body, body.length);
    ids.push(id);
    bytes += body.length;
    pending = [];
    pendingBytes = 0;
  };
  for (let i = 0; i < partials.length; i += DOWNLOADS_AT_ONCE) {
    const bodies = await Promise.all(partials.slice(i, i + DOWNLOADS_AT_ONCE).map((p) => jobs.getBlobClient(p.name).downloadToBuffer()));
    for (const body of bodies) {
      pending.push(body);
      pendingBytes += body.length;
      if (pendingBytes >= BLOCK_BYTES) await stage();
    }
  }
  if (pendingBytes > 0 || ids.length === 0) await stage();
  await target.commitBlockList(ids, { blobHTTPHeaders: { blobContentType: 'text/csv' } });
  return { rows: partials.reduce((sum, p) => sum + p.rows, 0), bytes };
}

/** Writes `summary.json` (`summary_only` jobs). */
export async function writeSummary(jobId: string, summary: Record<string, unknown>): Promise<void> {
  const context = await loadJobContext(jobId);
  const output = containerOf(context.output);
  await output.createIfNotExists();
  const body = Buffer.from(JSON.stringify({ jobId, ...summary }, null, 2));
  await output.getBlockBlobClient(blobNameOf(context.output, context.output.path)).uploadData(body, { blobHTTPHeaders: { blobContentType: 'application/json' } });
}

/** Deletes the job's working blobs (plan, indexes, partials); best effort. */
export async function deleteJobBlobs(jobId: string): Promise<void> {
  const jobs = await jobsContainer();
  const names: string[] = [];
  for await (const item of jobs.listBlobsFlat({ prefix: `${jobId}/` })) names.push(item.name);
  for (let i = 0; i < names.length; i += 32) {
    await Promise.all(names.slice(i, i + 32).map((name) => jobs.deleteBlob(name).catch(() => undefined)));
  }
}
