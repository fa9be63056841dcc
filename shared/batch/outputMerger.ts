/**
 * Fan-in of a batch job: `predictions.csv` (or `fileName`) is committed from the blocks the
 * mini-batches staged on it (see `partials.ts`), after one header block, in mini-batch (= input)
 * order — a metadata operation, no byte read or copied. The previous file stays whole until the
 * commit replaces it. Re-running the merge commits the same list again. For `summary_only`, writes
 * `summary.json` instead.
 *
 * @example const { rows } = await mergeOutputs('batch-1');
 */
import { RestError } from '@azure/storage-blob';
import { blobNameOf, containerOf } from '../datastores/datastorePaths';
import type { TensorSpec } from '../scoring/datatypes';
import { outputColumns } from './columnLayout';
import { csvField } from './csvText';
import { loadJobContext } from './jobContext';
import { blockIdOf, listPartials, outputBlobOf } from './partials';
import { jobsContainer } from './jobStorage';

function defaultWidth(spec: TensorSpec): number {
  return spec.shape.slice(1).reduce((a, b) => a * (b > 0 ? b : 1), 1);
}

/** Commits `predictions.csv` from the staged blocks; returns the rows it holds. */
export async function mergeOutputs(jobId: string): Promise<{ rows: number }> {
  const [context, partials] = await Promise.all([loadJobContext(jobId), listPartials(jobId)]);
  const widths = partials.find((p) => p.widths)?.widths ?? context.signature.outputs.map(defaultWidth);
  const header = Buffer.from(
    `${outputColumns(context.signature.outputs.map((o, i) => ({ name: o.name, width: widths[i] ?? 1 })))
      .map(csvField)
      .join(',')}\n`,
  );
  const target = await outputBlobOf(context);
  const headerId = blockIdOf(jobId, 'header');
  await target.stageBlock(headerId, header, header.length);
  const staged = partials.filter((p) => p.rows > 0);
  try {
    await target.commitBlockList([headerId, ...staged.map((p) => blockIdOf(jobId, p.index))], {
      blobHTTPHeaders: { blobContentType: 'text/csv' },
    });
  } catch (error) {
    if (!(error instanceof RestError && error.code === 'InvalidBlockList')) throw error;
    // Committing a block list discards every other uncommitted block of the blob.
    throw new Error(
      `The scored rows staged on '${context.output.path}' are gone: another writer committed that blob while job '${jobId}' ran. ` +
        `Run the job again, and give jobs that run at the same time different output paths.`,
    );
  }
  return { rows: staged.reduce((sum, p) => sum + p.rows, 0) };
}

/** Writes `summary.json` (`summary_only` jobs). */
export async function writeSummary(jobId: string, summary: Record<string, unknown>): Promise<void> {
  const context = await loadJobContext(jobId);
  const output = containerOf(context.output);
  await output.createIfNotExists();
  const body = Buffer.from(JSON.stringify({ jobId, ...summary }, null, 2));
  await output
    .getBlockBlobClient(blobNameOf(context.output, context.output.path))
    .uploadData(body, { blobHTTPHeaders: { blobContentType: 'application/json' } });
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
