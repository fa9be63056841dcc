/**
 * Fan-in of a batch job: concatenates the partial outputs, in mini-batch (= input) order, into
 * `predictions.csv` (or `fileName`) under one header, as blocks of one block blob, so each partial is
 * read once and nothing is held whole in memory. Lines of byte-range partials get their `file,row,`
 * here, rows continuing across the ranges of a file. Re-running it rewrites the same file. For
 * `summary_only`, writes `summary.json` instead.
 *
 * @example const { rows } = await mergeOutputs('batch-1');
 */
import { createHash } from 'node:crypto';
import { blobNameOf, containerOf } from '../datastores/datastorePaths';
import type { TensorSpec } from '../scoring/datatypes';
import { outputColumns } from './columnLayout';
import { csvField } from './csvText';
import { loadInputFiles, loadJobContext } from './jobContext';
import { listPartials } from './partials';
import { jobsContainer } from './jobStorage';

/** Partials are concatenated into blocks of about this size. */
const BLOCK_BYTES = 8 * 1024 * 1024;
const DOWNLOADS_AT_ONCE = 8;

function defaultWidth(spec: TensorSpec): number {
  return spec.shape.slice(1).reduce((a, b) => a * (b > 0 ? b : 1), 1);
}

/**
 * Turns the `row,<values>` lines of a byte-range partial into `file,row,<values>`, its rows counted
 * after the `before` lines of the file's earlier ranges.
 */
function numberRange(body: Buffer, field: string, before: number): Buffer {
  const lines = body.toString('utf8').split('\n');
  lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const comma = line.indexOf(',');
    lines[i] = `${field},${Number(line.slice(0, comma)) + before}${line.slice(comma)}`;
  }
  return Buffer.from(lines.length ? `${lines.join('\n')}\n` : '');
}

/** Writes `predictions.csv` from the partials; returns the rows it holds. */
export async function mergeOutputs(jobId: string): Promise<{ rows: number; bytes: number }> {
  const [context, files, partials, jobs] = await Promise.all([loadJobContext(jobId), loadInputFiles(jobId), listPartials(jobId), jobsContainer()]);
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
  // Lines of the current file's earlier ranges (the ranges of a file are consecutive partials).
  let rangeFile = -1;
  let before = 0;
  for (let i = 0; i < partials.length; i += DOWNLOADS_AT_ONCE) {
    const group = partials.slice(i, i + DOWNLOADS_AT_ONCE);
    const bodies = await Promise.all(group.map((p) => (p.rows > 0 ? jobs.getBlobClient(p.name).downloadToBuffer() : Promise.resolve(Buffer.alloc(0)))));
    for (let k = 0; k < group.length; k++) {
      const partial = group[k]!;
      let body = bodies[k]!;
      if (partial.rangeFile !== undefined) {
        if (partial.rangeFile !== rangeFile) {
          rangeFile = partial.rangeFile;
          before = 0;
        }
        body = numberRange(body, csvField(files[rangeFile]?.path ?? ''), before);
        before += partial.lines ?? partial.rows;
      }
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
