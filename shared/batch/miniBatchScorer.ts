/**
 * Scores one mini-batch (the `scoreMiniBatch` activity): reads its slice of the input (whole files,
 * a line range, or Parquet rows), scores it in large batches (or sends it to the deployment's scoring
 * script, `replicaMiniBatch.ts`), and stages its lines as its block of the
 * final `predictions.csv` (for `append_row`, see `partials.ts`). Returns counts and a few error
 * samples only. Idempotent: a retry stages the same block with the same rows.
 *
 * @example const result = await scoreMiniBatch('batch-1', 7, { timeoutMs: 30_000 });
 */
import type { BlobClient } from '@azure/storage-blob';
import { containerOf } from '../datastores/datastorePaths';
import type { ErrorSample } from '../workspace/runDocuments';
import { flatLength } from './columnLayout';
import { arrayLayout, csvFileLayout, parquetFileLayout } from './fileLayouts';
import type { InputFile } from './inputListing';
import { loadInputFiles, loadJobContext, type JobContext, type MiniBatch } from './jobContext';
import { stagePartial } from './partials';
import { rangeLineBytes } from './rangeLines';
import { readParquetRows } from './parquetSource';
import { readMiniBatch } from './planStore';
import { scoreOnReplica } from './replicaMiniBatch';
import { RowScorer, type RowSource } from './rowScorer';
import { sessionFor } from './scoringTarget';

/** Rows per `session.run`. */
export const BATCH_ROWS = 4096;
/** Rows read from Parquet at a time. */
const PARQUET_ROWS = 65536;

export interface MiniBatchResult {
  index: number;
  rows: number;
  failedRows: number;
  failedFiles: number;
  samples: ErrorSample[];
}

/** A try that ran past `retry.timeoutSeconds`; the orchestration's retry policy runs it again. */
export class MiniBatchTimeoutError extends Error {
  constructor(index: number, ms: number) {
    super(`Mini-batch ${index} did not finish within ${ms / 1000} s.`);
    this.name = 'MiniBatchTimeoutError';
  }
}

/** Scores the lines starting in `[start, end)`, the first being data row `firstRow`. */
async function scoreLines(
  context: JobContext,
  scorer: RowScorer,
  blob: BlobClient,
  file: InputFile,
  range: { start: number; end: number; midFile: boolean; firstRow: number },
): Promise<number> {
  const { start, end, midFile, firstRow } = range;
  const csv = context.settings.input.format === 'csv';
  const source: RowSource = { file: file.path, lineOffset: csv ? 1 : 0 };
  const layout = csv ? (await csvFileLayout(context.jobId, blob, file, context.signature)).layout : undefined;
  let row = firstRow;
  for await (const { bytes, from, stop } of rangeLineBytes(blob, file.size, start, end, midFile)) {
    for (let at = from; at <= stop;) {
      let nl = bytes.indexOf(10, at);
      if (nl < 0 || nl > stop) nl = stop;
      const lineEnd = nl > at && bytes[nl - 1] === 13 ? nl - 1 : nl;
      const full = layout
        ? scorer.addCsvLine(bytes, at, lineEnd, layout, source, row)
        : addJsonBytes(context, scorer, source, row, bytes, at, lineEnd);
      if (full) await scorer.flush();
      row++;
      at = nl + 1;
    }
  }
  return row - firstRow;
}

/** A JSONL line: a flat array of numbers straight from its bytes, anything else through JSON.parse. */
function addJsonBytes(
  context: JobContext,
  scorer: RowScorer,
  source: RowSource,
  row: number,
  bytes: Buffer,
  start: number,
  end: number,
): boolean {
  if (bytes[start] === 91) {
    const added = scorer.addJsonNumbers(
      bytes,
      start,
      end,
      (length) => arrayLayout(context.signature, length),
      source,
      row,
    );
    if (added !== 'other') return added === 'full';
  }
  return addJsonLine(context, scorer, source, row, bytes.toString('utf8', start, end));
}

function addJsonLine(context: JobContext, scorer: RowScorer, source: RowSource, row: number, raw: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(raw) as unknown;
  } catch (error) {
    scorer.fail(source, row, `not JSON: ${(error as Error).message}`);
    return false;
  }
  if (Array.isArray(value)) {
    const cells = value.some(Array.isArray) ? (value.flat(Infinity) as unknown[]) : value;
    const layout = arrayLayout(context.signature, flatLength(value));
    if (typeof layout === 'string') {
      scorer.fail(source, row, layout);
      return false;
    }
    return scorer.add(cells, 'json', layout, source, row);
  }
  const objects = context.jsonlObjects;
  if (!objects || typeof value !== 'object' || value === null) {
    scorer.fail(
      source,
      row,
      objects ? 'expected a JSON object' : 'expected a JSON array (the first line of the input is an array)',
    );
    return false;
  }
  const record = value as Record<string, unknown>;
  const cells = objects.keys.map(({ key, element }) => {
    const v = record[key];
    return element === undefined ? v : Array.isArray(v) ? (v.flat(Infinity) as unknown[])[element] : undefined;
  });
  return scorer.add(cells, 'json', objects.layout, source, row);
}

async function scoreParquet(
  context: JobContext,
  scorer: RowScorer,
  blob: BlobClient,
  file: InputFile,
  rowStart: number | undefined,
  rowEnd: number | undefined,
): Promise<void> {
  const { parquet, layout, read } = await parquetFileLayout(context.jobId, blob, file, context.signature);
  const source: RowSource = { file: file.path, lineOffset: undefined };
  const from = rowStart ?? 0;
  const to = rowEnd ?? parquet.rows;
  for (let at = from; at < to; at += PARQUET_ROWS) {
    const rows = await readParquetRows(parquet, read, at, Math.min(to, at + PARQUET_ROWS));
    for (let i = 0; i < rows.length; i++)
      if (scorer.add(rows[i]!, 'json', layout, source, at + i + 1)) await scorer.flush();
  }
}

async function scoreFile(context: JobContext, scorer: RowScorer, file: InputFile): Promise<void> {
  const blob = containerOf(context.input).getBlobClient(file.blob);
  if (context.settings.input.format === 'parquet')
    return scoreParquet(context, scorer, blob, file, undefined, undefined);
  const start =
    context.settings.input.format === 'csv'
      ? (await csvFileLayout(context.jobId, blob, file, context.signature)).dataStart
      : 0;
  await scoreLines(context, scorer, blob, file, { start, end: file.size, midFile: false, firstRow: 1 });
}

async function scoreSlice(
  context: JobContext,
  files: InputFile[],
  miniBatch: MiniBatch,
  scorer: RowScorer,
): Promise<void> {
  if (miniBatch.kind === 'files') {
    for (const i of miniBatch.files) {
      const file = files[i]!;
      try {
        await scoreFile(context, scorer, file);
      } catch (error) {
        // A file whose header no longer matches counts as a failed file; a storage error is retried.
        if ((error as { code?: string }).code !== 'InvalidInput') throw error;
        scorer.fail({ file: file.path, lineOffset: undefined }, 0, (error as Error).message);
      }
    }
    return;
  }
  const file = files[miniBatch.file]!;
  const blob = containerOf(context.input).getBlobClient(file.blob);
  if (miniBatch.kind === 'parquet')
    return scoreParquet(context, scorer, blob, file, miniBatch.rowStart, miniBatch.rowEnd);
  await scoreLines(context, scorer, blob, file, miniBatch);
}

interface Prepared {
  context: JobContext;
  files: InputFile[];
  miniBatch: MiniBatch;
  /** The ONNX session here; none when the deployment's scoring script scores on its replicas. */
  session: Awaited<ReturnType<typeof sessionFor>> | undefined;
}

async function prepare(jobId: string, index: number): Promise<Prepared> {
  const context = await loadJobContext(jobId);
  const [files, miniBatch, session] = await Promise.all([
    loadInputFiles(jobId),
    readMiniBatch(jobId, index),
    context.target.scoringScript ? undefined : sessionFor(context.target),
  ]);
  return { context, files, miniBatch, session };
}

/** Scores the mini-batch with the ONNX session here: rows that cannot be read fail alone. */
async function scoreHere(
  { context, files, miniBatch }: Prepared,
  session: NonNullable<Prepared['session']>,
): Promise<Omit<MiniBatchResult, 'index'> & { body: Buffer; widths: number[] | undefined }> {
  const scorer = new RowScorer(session, BATCH_ROWS, 10, miniBatch.kind === 'lines' ? miniBatch.rows : 0);
  await scoreSlice(context, files, miniBatch, scorer);
  const result = await scorer.finish();
  return {
    body: result.body,
    widths: result.widths,
    rows: result.rows,
    failedRows: result.failedRows,
    failedFiles: result.failedFiles.length,
    samples: result.samples.slice(0, 5).map((s) => ({ ...s, message: s.message.slice(0, 300) })),
  };
}

/** Scores the mini-batch on the deployment's replicas: the scoring script takes it whole or fails it. */
async function scoreOnReplicas(
  { context, files, miniBatch }: Prepared,
  index: number,
  signal: AbortSignal,
): Promise<Omit<MiniBatchResult, 'index'> & { body: Buffer; widths: number[] | undefined }> {
  const { body, rows } = await scoreOnReplica(context, files, miniBatch, index, signal);
  return { body, widths: [1], rows, failedRows: 0, failedFiles: 0, samples: [] };
}

async function run(prepared: Prepared, index: number, signal: AbortSignal): Promise<MiniBatchResult> {
  const { context, session } = prepared;
  const { body, widths, ...result } = session
    ? await scoreHere(prepared, session)
    : await scoreOnReplicas(prepared, index, signal);
  if (signal.aborted) throw new MiniBatchTimeoutError(index, 0);
  if (context.settings.outputAction === 'append_row')
    await stagePartial(context, index, body, { rows: result.rows, ...(widths ? { widths } : {}) });
  return { index, ...result };
}

/**
 * Scores mini-batch `index` of `jobId`. Reading the plan and loading the model (once per instance,
 * like Azure ML's `init()`) do not count; scoring and writing must finish within `timeoutMs`, else
 * the try fails and the retry policy runs it again.
 */
export async function scoreMiniBatch(
  jobId: string,
  index: number,
  { timeoutMs }: { timeoutMs: number },
): Promise<MiniBatchResult> {
  const prepared = await prepare(jobId, index);
  let timer: NodeJS.Timeout | undefined;
  const abort = new AbortController();
  const work = run(prepared, index, abort.signal);
  work.catch(() => undefined);
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new MiniBatchTimeoutError(index, timeoutMs);
      abort.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
