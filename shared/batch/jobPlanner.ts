/**
 * Plans a batch job (the first activities of `batchScoring`), writing the plan to blobs and returning
 * only counts:
 * - by files: groups of `miniBatchSize.files` files, in name order;
 * - Parquet by rows: row ranges inside row groups, from the footers;
 * - CSV/JSONL by rows: files are cut into segments of {@link SEGMENT_BYTES}; one activity per segment
 *   finds its line starts (`indexJobSegment`), then `finalizeLinePlan` numbers rows and mini-batches.
 */
import { SibylError } from '../errors';
import { containerOf } from '../datastores/datastorePaths';
import { listInputFiles, type InputFile } from './inputListing';
import { loadInputFiles, loadJobContext, type LineIndex, type MiniBatch, type Segment } from './jobContext';
import { jobBlobs, readJobJson, writeJobJson } from './jobStorage';
import { openParquet } from './parquetSource';
import { forEachLimited, writePlan } from './planStore';
import { indexSegment } from './segmentIndexer';

/** Bytes of a CSV/JSONL file one index activity reads. */
export const SEGMENT_BYTES = 32 * 1024 * 1024;

export interface PlanCounts {
  files: number;
  /** Known unless segments must be indexed first. */
  miniBatches?: number;
  rows?: number;
  /** CSV/JSONL by rows: segments to index. */
  segments?: number;
}

function filesPlan(files: readonly InputFile[], perMiniBatch: number): MiniBatch[] {
  const plan: MiniBatch[] = [];
  for (let i = 0; i < files.length; i += perMiniBatch) plan.push({ kind: 'files', files: Array.from({ length: Math.min(perMiniBatch, files.length - i) }, (_, k) => i + k) });
  return plan;
}

async function parquetPlan(jobId: string, files: readonly InputFile[], rowsPerMiniBatch: number): Promise<{ plan: MiniBatch[]; rows: number }> {
  const { input } = await loadJobContext(jobId);
  const groups: number[][] = new Array(files.length);
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

/** Lists the input, writes `files.json` and, where it can, the plan. Throws InvalidInput when there is nothing to score. */
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
  const segments: Segment[] = [];
  files.forEach((file, i) => {
    for (let start = 0; start < file.size; start += SEGMENT_BYTES) segments.push({ file: i, start, end: Math.min(file.size, start + SEGMENT_BYTES) });
  });
  await writeJobJson(jobBlobs.segments(jobId), segments);
  return { files: files.length, segments: segments.length };
}

/** Finds the lines of segment `index` and writes its line index; returns its counts. */
export async function indexJobSegment(jobId: string, index: number): Promise<{ rows: number; miniBatches: number }> {
  const [{ settings, input }, files, segments] = await Promise.all([loadJobContext(jobId), loadInputFiles(jobId), readJobJson<Segment[]>(jobBlobs.segments(jobId))]);
  const segment = segments[index];
  const file = segment ? files[segment.file] : undefined;
  if (!segment || !file) throw new Error(`Job '${jobId}' has no segment ${index}.`);
  const skipHeader = segment.start === 0 && settings.input.format === 'csv';
  const lineIndex = await indexSegment(containerOf(input).getBlobClient(file.blob), file.size, segment, skipHeader, settings.miniBatch.rows ?? 1);
  await writeJobJson(jobBlobs.lineIndex(jobId, index), lineIndex);
  return { rows: lineIndex.rows, miniBatches: Math.max(0, lineIndex.cuts.length - 1) };
}

/** Numbers the rows of every indexed segment (1-based per file) and writes the plan. */
export async function finalizeLinePlan(jobId: string): Promise<{ miniBatches: number; rows: number }> {
  const [{ settings }, segments] = await Promise.all([loadJobContext(jobId), readJobJson<Segment[]>(jobBlobs.segments(jobId))]);
  const perMiniBatch = settings.miniBatch.rows ?? 1;
  const indexes: LineIndex[] = new Array(segments.length);
  await forEachLimited(segments, 16, async (_, i) => {
    indexes[i] = await readJobJson<LineIndex>(jobBlobs.lineIndex(jobId, i));
  });
  const plan: MiniBatch[] = [];
  let rows = 0;
  let file = -1;
  let nextRow = 1;
  segments.forEach((segment, s) => {
    if (segment.file !== file) {
      file = segment.file;
      nextRow = 1;
    }
    const { cuts, rows: segmentRows } = indexes[s]!;
    for (let j = 0; j + 1 < cuts.length; j++) {
      // Every mini-batch of a segment is full except its last.
      const count = Math.min(perMiniBatch, segmentRows - j * perMiniBatch);
      plan.push({ kind: 'lines', file, start: cuts[j]!, end: cuts[j + 1]!, firstRow: nextRow, rows: count });
      nextRow += count;
    }
    rows += segmentRows;
  });
  await writePlan(jobId, plan);
  return { miniBatches: plan.length, rows };
}
