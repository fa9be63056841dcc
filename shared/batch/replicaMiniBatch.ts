/**
 * A mini-batch through a deployment's scoring script (environment runtime `python`, `node` or `custom`),
 * Azure ML's batch contract: the deployment's replicas get it on `POST /batch` — whole files (base64)
 * for a job split by files, the rows under their column names for a job split by rows — where
 * `run(mini_batch)` returns one result per input. Each result becomes the line `file,row,result` of
 * `predictions.csv` (`row` empty for a whole file; a list or object as JSON text), staged like any
 * mini-batch's lines, so exactly-once and the block-commit merge are the same as for ONNX models.
 *
 * @example const { body, rows } = await scoreOnReplica(context, files, miniBatch, index, signal);
 */
import type { BlobClient } from '@azure/storage-blob';
import { getConfig } from '../config';
import { getComputeClient } from '../compute/computeClient';
import { containerOf } from '../datastores/datastorePaths';
import { SibylError } from '../errors';
import { replicaBatch, ScoringScriptError, type ReplicaBatchRequest } from '../endpoints/scorerClient';
import type { TensorSpec } from '../scoring/datatypes';
import { csvField, parseCsvLine } from './csvText';
import { readCsvCell } from '../portable/csv';
import { readFirstLine } from './inputHeader';
import type { InputFile } from './inputListing';
import type { JobContext, MiniBatch } from './jobContext';
import { openParquet, readParquetRows } from './parquetSource';
import { rangeLines } from './rangeLines';

/** The one output column of a scoring script's job: `run`'s result for each input. */
export const RESULT_OUTPUT: TensorSpec = { name: 'result', datatype: 'BYTES', shape: [-1] };

/** Where one result goes in the output: the input's file and its data row (none for a whole file). */
interface InputPlace {
  file: string;
  row: number | undefined;
}

interface ReplicaMiniBatch {
  request: ReplicaBatchRequest;
  places: InputPlace[];
}

/**
 * The names the files get in the replica's temp folder: plain names (the replica takes no folders), the
 * file's own unless another file of the mini-batch has it already, then prefixed by its position.
 */
function plainNames(files: InputFile[]): string[] {
  const taken = new Set<string>();
  return files.map((file, i) => {
    const base = file.path.slice(file.path.lastIndexOf('/') + 1);
    let name = base;
    for (let n = i; taken.has(name); n++) name = `${n}-${base}`;
    taken.add(name);
    return name;
  });
}

async function filesMiniBatch(context: JobContext, files: InputFile[]): Promise<ReplicaMiniBatch> {
  const container = containerOf(context.input);
  const contents = await Promise.all(files.map((file) => container.getBlobClient(file.blob).downloadToBuffer()));
  const names = plainNames(files);
  return {
    request: { files: files.map((_, i) => ({ name: names[i]!, contentBase64: contents[i]!.toString('base64') })) },
    places: files.map((file) => ({ file: file.path, row: undefined })),
  };
}

/** The lines of a `lines` mini-batch, as the ONNX path counts them: every line is a row. */
async function linesOf(blob: BlobClient, file: InputFile, range: Extract<MiniBatch, { kind: 'lines' }>) {
  const lines: string[] = [];
  for await (const chunk of rangeLines(blob, file.size, range.start, range.end, range.midFile))
    for (const line of chunk) lines.push(line.endsWith('\r') ? line.slice(0, -1) : line);
  return lines;
}

function csvCells(line: string, file: InputFile, row: number): unknown[] {
  try {
    return parseCsvLine(line).map(readCsvCell);
  } catch (error) {
    throw new SibylError('InvalidInput', `'${file.path}' row ${row} is not valid CSV: ${(error as Error).message}.`);
  }
}

function jsonObject(line: string, file: InputFile, row: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new SibylError('InvalidInput', `'${file.path}' line ${row} is not JSON: ${(error as Error).message}.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new SibylError('InvalidInput', `'${file.path}' line ${row}: a scoring script's rows are JSON objects.`);
  return value as Record<string, unknown>;
}

/** Rows of a CSV or JSONL line range; JSONL columns are the keys in order of first appearance. */
async function linesMiniBatch(
  context: JobContext,
  blob: BlobClient,
  file: InputFile,
  range: Extract<MiniBatch, { kind: 'lines' }>,
): Promise<ReplicaMiniBatch> {
  const lines = await linesOf(blob, file, range);
  const places = lines.map((_, i) => ({ file: file.path, row: range.firstRow + i }));
  if (context.settings.input.format === 'csv') {
    const header = parseCsvLine((await readFirstLine(blob, file.size, `'${file.path}'`)).line).map((n) => n.trim());
    const rows = lines.map((line, i) => {
      const cells = csvCells(line, file, range.firstRow + i);
      return header.map((_, c) => cells[c] ?? null);
    });
    return { request: { columns: header, rows }, places };
  }
  const objects = lines.map((line, i) => jsonObject(line, file, range.firstRow + i));
  const columns = [...new Set(objects.flatMap((o) => Object.keys(o)))];
  return { request: { columns, rows: objects.map((o) => columns.map((c) => o[c] ?? null)) }, places };
}

/** INT64 columns come back as bigint, which JSON cannot carry: a number when exact, else its digits. */
const jsonSafe = (value: unknown): unknown =>
  typeof value === 'bigint' ? (Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()) : value;

async function parquetMiniBatch(
  blob: BlobClient,
  file: InputFile,
  range: Extract<MiniBatch, { kind: 'parquet' }>,
): Promise<ReplicaMiniBatch> {
  const parquet = await openParquet(blob, file.size);
  const rows = await readParquetRows(parquet, parquet.columns, range.rowStart, range.rowEnd);
  return {
    request: { columns: parquet.columns, rows: rows.map((row) => row.map(jsonSafe)) },
    places: rows.map((_, i) => ({ file: file.path, row: range.rowStart + i + 1 })),
  };
}

function replicaMiniBatch(context: JobContext, files: InputFile[], miniBatch: MiniBatch): Promise<ReplicaMiniBatch> {
  if (miniBatch.kind === 'files')
    return filesMiniBatch(
      context,
      miniBatch.files.map((i) => files[i]!),
    );
  const file = files[miniBatch.file]!;
  const blob = containerOf(context.input).getBlobClient(file.blob);
  return miniBatch.kind === 'lines'
    ? linesMiniBatch(context, blob, file, miniBatch)
    : parquetMiniBatch(blob, file, miniBatch);
}

/** The address of the deployment's replicas (the compute's ingress), asked each time: replicas move. */
async function replicaUrlOf(context: JobContext): Promise<string> {
  const deployment = context.target.deployment;
  if (!deployment) throw new Error(`Job '${context.jobId}' has a scoring script but no deployment.`);
  const status = await getComputeClient().status(deployment.endpoint, deployment.name);
  if (!status?.url)
    throw new SibylError(
      'ServiceUnavailable',
      `Deployment '${deployment.endpoint}/${deployment.name}' has no replicas to score on ` +
        `(${status?.provisioningState ?? 'not provisioned'}${status?.error ? `: ${status.error}` : ''}).`,
    );
  return status.url;
}

/** A result as one CSV cell: text as is, a list or object as JSON text, null as an empty cell. */
function resultCell(result: unknown): string {
  if (result === null || result === undefined) return '';
  return csvField(typeof result === 'string' ? result : JSON.stringify(result));
}

/** Scores mini-batch `index` on the deployment's replicas; answers its output lines and their count. */
export async function scoreOnReplica(
  context: JobContext,
  files: InputFile[],
  miniBatch: MiniBatch,
  index: number,
  signal: AbortSignal,
): Promise<{ body: Buffer; rows: number }> {
  const { request, places } = await replicaMiniBatch(context, files, miniBatch);
  if (places.length === 0) return { body: Buffer.alloc(0), rows: 0 };
  const results = await replicaBatch(getConfig().scorer, await replicaUrlOf(context), request, signal);
  if (results.length !== places.length)
    throw new ScoringScriptError(
      `Mini-batch ${index}: the scoring script's run() returned ${results.length} results for ` +
        `${places.length} inputs; it must return exactly one result per input.`,
    );
  const lines = places.map(({ file, row }, i) => `${csvField(file)},${row ?? ''},${resultCell(results[i])}\n`);
  return { body: Buffer.from(lines.join('')), rows: places.length };
}
