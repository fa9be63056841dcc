/**
 * Plans a batch job (the first activity of `batchScoring`), writing the plan to blobs and returning
 * only counts:
 * - by files: groups of `miniBatchSize.files` files, in name order;
 * - Parquet by rows: row ranges inside row groups, from the footers;
 * - CSV/JSONL by rows: ranges of exactly `rows` lines for files of at most {@link SAMPLE_BYTES};
 *   for larger ones byte ranges of about `rows` lines each, sized from the mean line length of the
 *   file's first {@link SAMPLE_BYTES} (like Azure ML's approximate tabular mini-batch size), so a
 *   large file is read once, by the activities that score it.
 */
import { SibylError } from '../errors';
import { containerOf } from '../datastores/datastorePaths';
import { listInputFiles, type InputFile } from './inputListing';
import { loadJobContext, type MiniBatch } from './jobContext';
import { jobBlobs, readRange, writeJobJson } from './jobStorage';
import { openParquet } from './parquetSource';
import { forEachLimited, writePlan } from './planStore';

/** Bytes read from the start of each CSV/JSONL file to size its ranges. */
export const SAMPLE_BYTES = 256 * 1024;

export interface PlanCounts {
  files: number;
  miniBatches: number;
  /** Known up front for Parquet (from the footers). */
  rows?: number;
}

function filesPlan(files: readonly InputFile[], perMiniBatch: number): MiniBatch[] {
  const plan: MiniBatch[] = [];
  for (let i = 0; i < files.length; i += perMiniBatch) plan.push({ kind: 'files', files: Array.from({ length: Math.min(perMiniBatch, files.length - i) }, (_, k) => i + k) });
  return plan;
}

async function parquetPlan(jobId: string, files: readonly InputFile[], rowsPerMiniBatch: number): Promise<{ plan: MiniBatch[]; rows: number }> {
  const { input } = await loadJobContext(jobId);
  const groups = new Array<number[]>(files.length);
  await forEachLimited(files, 8, async (file, i) => {
    try {
      groups[i] = (await openParquet(containerOf(input).getBlobClient(file.blob), file.size)).rowGroups;
    } catch (error) {
      throw new SibylError('InvalidInput', `'${file.path}' is not a readable Parquet file: ${(error as Error).message}`);
    }
  });
  const plan: MiniBatch[] = [];
  let rows = 0;
  groups.forEach((sizes, file) => {
    let groupStart = 0;
    for (const size of sizes) {
      for (let at = 0; at < size; at += rowsPerMiniBatch) plan.push({ kind: 'parquet', file, rowStart: groupStart + at, rowEnd: groupStart + Math.min(size, at + rowsPerMiniBatch) });
      groupStart += size;
      rows += size;
    }
  });
  return { plan, rows };
}

export interface LineSample {
  /** Where the data begins (after a CSV header). */
  dataStart: number;
  /** Mean bytes per line over the sample. */
  bytesPerLine: number;
  /** Where every data line starts, when the sample is the whole file. */
  lineStarts?: number[];
}

/** Where a text file's data begins and its mean line length, from its first bytes. */
async function sampleLines(jobId: string, file: InputFile, csv: boolean): Promise<LineSample> {
  const { input } = await loadJobContext(jobId);
  const whole = file.size <= SAMPLE_BYTES;
  const sample = await readRange(containerOf(input).getBlobClient(file.blob), 0, Math.min(file.size, SAMPLE_BYTES));
  const headerEnd = csv ? sample.indexOf(10) + 1 : 0;
  // A header longer than the sample: one range holds the whole file (scoring reads the header itself).
  if (csv && headerEnd === 0) return { dataStart: 0, bytesPerLine: file.size };
  const lineStarts: number[] = headerEnd < sample.length ? [headerEnd] : [];
  let last = headerEnd - 1;
  for (let nl = sample.indexOf(10, headerEnd); nl >= 0; nl = sample.indexOf(10, nl + 1)) {
    last = nl;
    if (nl + 1 < sample.length) lineStarts.push(nl + 1);
  }
  const lines = lineStarts.length - (last + 1 < sample.length ? 1 : 0);
  const bytesPerLine = lines > 0 ? (last + 1 - headerEnd) / lines : Math.max(1, file.size - headerEnd);
  return { dataStart: headerEnd, bytesPerLine, ...(whole ? { lineStarts } : {}) };
}

/**
 * Ranges of `rowsPerMiniBatch` lines: exact when the file fits in the sample (its line starts are
 * known), else of `rowsPerMiniBatch` mean lines' bytes (rangeLines aligns them to line ends).
 */
export function fileRanges(i: number, size: number, sample: LineSample, rowsPerMiniBatch: number): MiniBatch[] {
  const { dataStart, bytesPerLine, lineStarts } = sample;
  const own: MiniBatch[] = [];
  if (lineStarts) {
    for (let l = 0; l < lineStarts.length; l += rowsPerMiniBatch) {
      const start = lineStarts[l]!;
      own.push({ kind: 'lines', file: i, start, end: lineStarts[l + rowsPerMiniBatch] ?? size, midFile: start > dataStart });
    }
    return own;
  }
  const step = Math.max(1, Math.round(bytesPerLine * rowsPerMiniBatch));
  for (let start = dataStart; start < size; start += step) own.push({ kind: 'lines', file: i, start, end: Math.min(size, start + step), midFile: start > dataStart });
  return own;
}

async function linesPlan(jobId: string, files: readonly InputFile[], rowsPerMiniBatch: number, csv: boolean): Promise<MiniBatch[]> {
  const ranges = new Array<MiniBatch[]>(files.length);
  await forEachLimited(files, 16, async (file, i) => {
    ranges[i] = fileRanges(i, file.size, await sampleLines(jobId, file, csv), rowsPerMiniBatch);
  });
  return ranges.flat();
}

/** Lists the input, writes `files.json` and the plan. Throws InvalidInput when there is nothing to score. */
export async function planJob(jobId: string): Promise<PlanCounts> {
  const { settings, input } = await loadJobContext(jobId);
  const files = await listInputFiles(input, settings.input.path);
  if (files.length === 0) throw new SibylError('InvalidInput', `No input files match '${settings.input.path}' in datastore '${settings.input.datastore}'.`);
  await writeJobJson(jobBlobs.files(jobId), files);
  const rows = settings.miniBatch.rows;
  if (rows === undefined) {
    const plan = filesPlan(files, settings.miniBatch.files);
    await writePlan(jobId, plan);
    return { files: files.length, miniBatches: plan.length };
  }
  if (settings.input.format === 'parquet') {
    const { plan, rows: total } = await parquetPlan(jobId, files, rows);
    await writePlan(jobId, plan);
    return { files: files.length, miniBatches: plan.length, rows: total };
  }
  const plan = await linesPlan(jobId, files, rows, settings.input.format === 'csv');
  await writePlan(jobId, plan);
  return { files: files.length, miniBatches: plan.length };
}
