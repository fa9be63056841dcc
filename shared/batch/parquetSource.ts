/**
 * Parquet input through hyparquet, reading only what is asked for: the footer (schema and row groups)
 * for planning, and the requested columns of a row range (hyparquet fetches just the row groups that
 * hold it) for scoring. The blob is read with ranged downloads; no file is downloaded whole.
 *
 * hyparquet is an ES module: it is loaded on first use with `import()`, which Node 20.19+ serves to
 * CommonJS code (`require(esm)`).
 */
import type { BlobClient } from '@azure/storage-blob';
import type * as hyparquetModule from 'hyparquet';
import type { AsyncBuffer, FileMetaData } from 'hyparquet';
import { readRange } from './jobStorage';

type Hyparquet = typeof hyparquetModule;
let loaded: Promise<Hyparquet> | undefined;

function hyparquet(): Promise<Hyparquet> {
  loaded ??= import('hyparquet');
  return loaded;
}

/** An open Parquet file: its footer and top-level column names. */
export interface ParquetFile {
  file: AsyncBuffer;
  metadata: FileMetaData;
  columns: string[];
  /** Rows per row group, in file order. */
  rowGroups: number[];
  rows: number;
}

function blobBuffer(blob: BlobClient, size: number): AsyncBuffer {
  return {
    byteLength: size,
    slice: async (start: number, end?: number) => {
      const bytes = await readRange(blob, start, end ?? size);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
  };
}

/** Reads the footer; throws a plain Error when the blob is not a Parquet file. */
export async function openParquet(blob: BlobClient, size: number): Promise<ParquetFile> {
  const { parquetMetadataAsync, parquetSchema } = await hyparquet();
  const file = blobBuffer(blob, size);
  const metadata = await parquetMetadataAsync(file);
  const columns = parquetSchema(metadata).children.map((child) => child.element.name);
  const rowGroups = metadata.row_groups.map((group) => Number(group.num_rows));
  return { file, metadata, columns, rowGroups, rows: Number(metadata.num_rows) };
}

/** Rows `[rowStart, rowEnd)` as arrays of the values of `columns` (in that order). */
export async function readParquetRows(
  parquet: ParquetFile,
  columns: string[],
  rowStart: number,
  rowEnd: number,
): Promise<unknown[][]> {
  const { parquetRead } = await hyparquet();
  let rows: unknown[][] = [];
  await parquetRead({
    file: parquet.file,
    metadata: parquet.metadata,
    columns,
    rowStart,
    rowEnd,
    rowFormat: 'array',
    onComplete: (result: unknown[][]) => {
      rows = result;
    },
  });
  return rows;
}
