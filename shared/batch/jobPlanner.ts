/**
 * Plans a batch job (the first activity of `batchScoring`), writing the plan to blobs and returning
 * only counts:
 * - by files: groups of `miniBatchSize.files` files, in name order;
 * - Parquet by rows: row ranges inside row groups, from the footers;
 * - CSV/JSONL by rows: ranges of exactly `rows` lines, found by counting line ends (the planner
 *   reads each text file once, at storage speed), so each range knows its first row and the
 *   mini-batches write final row numbers (see `partials.ts`).
 * With `append_row`, a plan may hold at most {@link MAX_OUTPUT_BLOCKS} − 1 mini-batches.
 */
import type { BlobClient } from '@azure/storage-blob';
import { SibylError } from '../errors';
import { containerOf } from '../datastores/datastorePaths';
import { listInputFiles, type InputFile } from './inputListing';
import { loadJobContext, type MiniBatch } from './jobContext';
import { blobPieces, jobBlobs, writeJobJson } from './jobStorage';
import { LineRangeCutter } from './lineRanges';
import { openParquet } from './parquetSource';
import { MAX_OUTPUT_BLOCKS } from './partials';
import { forEachLimited, writePlan } from './planStore';

export interface PlanCounts {
  files: number;
  miniBatches: number;
  /** Known up front when splitting by rows (Parquet footers, counted lines). */
  rows?: number;
}

function filesPlan(files: readonly InputFile[], perMiniBatch: number): MiniBatch[] {
  const plan: MiniBatch[] = [];
  for (let i = 0; i < files.length; i += perMiniBatch)
    plan.push({
      kind: 'files',
      files: Array.from({ length: Math.min(perMiniBatch, files.length - i) }, (_, k) => i + k),
    });
  return plan;
}

async function parquetPlan(
  jobId: string,
  files: readonly InputFile[],
  rowsPerMiniBatch: number,
): Promise<{ plan: MiniBatch[]; rows: number }> {
  const { input } = await loadJobContext(jobId);
  const groups = new Array<number[]>(files.length);
  await forEachLimited(files, 8, async (file, i) => {
    try {
      groups[i] = (await openParquet(containerOf(input).getBlobClient(file.blob), file.size)).rowGroups;
    } catch (error) {
      throw new SibylError(
        'InvalidInput',
        `'${file.path}' is not a readable Parquet file: ${(error as Error).message}`,
      );
    }
  });
  const plan: MiniBatch[] = [];
  let rows = 0;
  groups.forEach((sizes, file) => {
    let groupStart = 0;
    for (const size of sizes) {
      for (let at = 0; at < size; at += rowsPerMiniBatch)
        plan.push({
          kind: 'parquet',
          file,
          rowStart: groupStart + at,
          rowEnd: groupStart + Math.min(size, at + rowsPerMiniBatch),
        });
      groupStart += size;
      rows += size;
    }
  });
  return { plan, rows };
}

/** The longest CSV header accepted. */
const COUNT_CHUNK_BYTES = 8 * 1024 * 1024;
/** Bytes per ranged request while counting lines (few requests: each costs the storage server). */
const COUNT_REQUEST_BYTES = 256 * 1024 * 1024;

/** A text file cut into ranges of exactly `rowsPerMiniBatch` lines (read once, by counting its line ends). */
async function fileRanges(
  blob: BlobClient,
  file: InputFile,
  index: number,
  rowsPerMiniBatch: number,
  csv: boolean,
): Promise<MiniBatch[]> {
  let cutter = csv ? undefined : new LineRangeCutter(index, 0, rowsPerMiniBatch);
  let offset = 0;
  // Counted in the pieces the download arrives in: nothing is gathered, so no large buffer is allocated.
  for await (const piece of blobPieces(blob, 0, file.size, COUNT_REQUEST_BYTES)) {
    if (!cutter) {
      const nl = piece.indexOf(10);
      if (nl >= 0) cutter = new LineRangeCutter(index, offset + nl + 1, rowsPerMiniBatch);
      else if (offset + piece.length >= COUNT_CHUNK_BYTES && offset + piece.length < file.size)
        throw new SibylError(
          'InvalidInput',
          `The header line of '${file.path}' is longer than ${COUNT_CHUNK_BYTES} bytes.`,
        );
    }
    cutter?.feed(piece, offset);
    offset += piece.length;
  }
  return cutter?.finish(file.size) ?? [];
}

async function linesPlan(
  jobId: string,
  files: readonly InputFile[],
  rowsPerMiniBatch: number,
  csv: boolean,
): Promise<MiniBatch[]> {
  const { input } = await loadJobContext(jobId);
  const ranges = new Array<MiniBatch[]>(files.length);
  await forEachLimited(files, 4, async (file, i) => {
    ranges[i] = await fileRanges(containerOf(input).getBlobClient(file.blob), file, i, rowsPerMiniBatch, csv);
  });
  return ranges.flat();
}

/** The final output is one block per mini-batch after a header block. */
function checkBlockCount(miniBatches: number): void {
  if (miniBatches + 1 <= MAX_OUTPUT_BLOCKS) return;
  throw new SibylError(
    'InvalidInput',
    `The job would have ${miniBatches} mini-batches; ` +
      `predictions.csv is assembled from one block per mini-batch and a blob holds at most ${MAX_OUTPUT_BLOCKS} blocks. ` +
      `Raise miniBatchSize (rows or files) so there are at most ${MAX_OUTPUT_BLOCKS - 1}.`,
  );
}

/** Lists the input, writes `files.json` and the plan. Throws InvalidInput when there is nothing to score. */
export async function planJob(jobId: string): Promise<PlanCounts> {
  const { settings, input } = await loadJobContext(jobId);
  const files = await listInputFiles(input, settings.input.path);
  if (files.length === 0)
    throw new SibylError(
      'InvalidInput',
      `No input files match '${settings.input.path}' in datastore '${settings.input.datastore}'.`,
    );
  await writeJobJson(jobBlobs.files(jobId), files);
  const rows = settings.miniBatch.rows;
  if (rows === undefined) {
    const plan = filesPlan(files, settings.miniBatch.files);
    if (settings.outputAction === 'append_row') checkBlockCount(plan.length);
    await writePlan(jobId, plan);
    return { files: files.length, miniBatches: plan.length };
  }
  if (settings.input.format === 'parquet') {
    const { plan, rows: total } = await parquetPlan(jobId, files, rows);
    if (settings.outputAction === 'append_row') checkBlockCount(plan.length);
    await writePlan(jobId, plan);
    return { files: files.length, miniBatches: plan.length, rows: total };
  }
  const plan = await linesPlan(jobId, files, rows, settings.input.format === 'csv');
  if (settings.outputAction === 'append_row') checkBlockCount(plan.length);
  await writePlan(jobId, plan);
  const total = plan.reduce((sum, m) => sum + (m.kind === 'lines' ? m.rows : 0), 0);
  return { files: files.length, miniBatches: plan.length, rows: total };
}
