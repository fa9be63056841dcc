/**
 * Reads what a file says about its columns without reading its data: a CSV header line, the first
 * JSONL line, or a Parquet footer; and binds them to the model's inputs (`columnLayout`).
 *
 * @example const { layout, dataStart } = await csvLayout(blobClient, size, signature, 'in/a.csv');
 */
import type { BlobClient } from '@azure/storage-blob';
import { SibylError } from '../errors';
import type { ModelSignature } from '../scoring/datatypes';
import { bindColumns, bindObject, flatLength, type CellKey, type ColumnLayout } from './columnLayout';
import { parseCsvLine, stripCr } from './csvText';
import { readRange } from './jobStorage';
import { openParquet, type ParquetFile } from './parquetSource';

const FIRST_READ = 64 * 1024;
const MAX_LINE = 4 * 1024 * 1024;

/** The first line (without its line end and a UTF-8 BOM) and the byte offset just after it. */
export async function readFirstLine(
  blob: BlobClient,
  size: number,
  what: string,
): Promise<{ line: string; next: number }> {
  let length = Math.min(size, FIRST_READ);
  for (;;) {
    const bytes = await readRange(blob, 0, length);
    const newline = bytes.indexOf(10);
    if (newline >= 0 || length === size) {
      const end = newline >= 0 ? newline : bytes.length;
      return {
        line: stripCr(bytes.toString('utf8', 0, end)).replace(/^\uFEFF/, ''),
        next: newline >= 0 ? newline + 1 : size,
      };
    }
    if (length >= MAX_LINE)
      throw new SibylError('InvalidInput', `${what}: the first line is longer than ${MAX_LINE / 1024 / 1024} MB.`);
    length = Math.min(size, length * 4);
  }
}

/** A CSV file's header bound to the model; `dataStart` is where the data rows begin. */
export async function csvLayout(
  blob: BlobClient,
  size: number,
  signature: ModelSignature,
  what: string,
): Promise<{ layout: ColumnLayout; names: string[]; dataStart: number }> {
  const { line, next } = await readFirstLine(blob, size, what);
  let names: string[];
  try {
    names = parseCsvLine(line).map((n) => n.trim());
  } catch (error) {
    throw new SibylError('InvalidInput', `${what}: the header line is not valid CSV: ${(error as Error).message}.`);
  }
  if (names.length === 0 || (names.length === 1 && names[0] === ''))
    throw new SibylError('InvalidInput', `${what}: the first line must be a header naming the columns.`);
  return { layout: bindColumns(names, names.length, signature, what), names, dataStart: next };
}

/** How JSONL lines of a job are read: object lines through `objectKeys`, array lines by position. */
export async function jsonlBinding(
  blob: BlobClient,
  size: number,
  signature: ModelSignature,
  what: string,
): Promise<{ keys: CellKey[]; layout: ColumnLayout } | undefined> {
  const { line } = await readFirstLine(blob, size, what);
  let value: unknown;
  try {
    value = JSON.parse(line) as unknown;
  } catch (error) {
    throw new SibylError(
      'InvalidInput',
      `${what}: line 1 is not JSON (${(error as Error).message}); each line must be one JSON object or array.`,
    );
  }
  if (Array.isArray(value)) {
    bindColumns(undefined, flatLength(value), signature, what);
    return undefined;
  }
  if (typeof value !== 'object' || value === null)
    throw new SibylError('InvalidInput', `${what}: line 1 must be a JSON object or array.`);
  return bindObject(value as Record<string, unknown>, signature, what);
}

/** A Parquet file's columns bound to the model; `read` lists the columns to fetch, in the layout's cell order. */
export async function parquetLayout(
  blob: BlobClient,
  size: number,
  signature: ModelSignature,
  what: string,
): Promise<{ parquet: ParquetFile; layout: ColumnLayout; read: string[] }> {
  let parquet: ParquetFile;
  try {
    parquet = await openParquet(blob, size);
  } catch (error) {
    throw new SibylError('InvalidInput', `${what} is not a readable Parquet file: ${(error as Error).message}.`);
  }
  const bound = bindColumns(parquet.columns, parquet.columns.length, signature, what);
  // Fetch only the bound columns; cells are then numbered in fetch order.
  const used = [...new Set(bound.inputs.flatMap((i) => i.columns))].sort((a, b) => a - b);
  const position = new Map(used.map((column, i) => [column, i]));
  const layout: ColumnLayout = {
    ...bound,
    columnCount: used.length,
    inputs: bound.inputs.map((i) => ({ ...i, columns: i.columns.map((c) => position.get(c)!) })),
  };
  return { parquet, layout, read: used.map((c) => parquet.columns[c]!) };
}
