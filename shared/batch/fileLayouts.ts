/**
 * Per-file column bindings for a job, cached in this instance: CSV files bind by their own header
 * (so files of one job may order their columns differently), Parquet files by their schema; JSONL
 * lines bind per line shape (object keys from the job, arrays by length).
 */
import type { BlobClient } from '@azure/storage-blob';
import type { ModelSignature } from '../scoring/datatypes';
import { bindColumns, type ColumnLayout } from './columnLayout';
import { csvLayout, parquetLayout } from './inputHeader';
import type { InputFile } from './inputListing';
import type { ParquetFile } from './parquetSource';

const MAX_ENTRIES = 256;
const cache = new Map<string, Promise<unknown>>();

function remember<T>(key: string, load: () => Promise<T>): Promise<T> {
  const hit = cache.get(key) as Promise<T> | undefined;
  if (hit) return hit;
  const loading = load();
  loading.catch(() => cache.delete(key));
  cache.set(key, loading);
  if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  return loading;
}

export function csvFileLayout(
  jobId: string,
  blob: BlobClient,
  file: InputFile,
  signature: ModelSignature,
): Promise<{ layout: ColumnLayout; dataStart: number }> {
  return remember(`${jobId}|csv|${file.blob}`, () => csvLayout(blob, file.size, signature, `'${file.path}'`));
}

export function parquetFileLayout(
  jobId: string,
  blob: BlobClient,
  file: InputFile,
  signature: ModelSignature,
): Promise<{ parquet: ParquetFile; layout: ColumnLayout; read: string[] }> {
  return remember(`${jobId}|parquet|${file.blob}`, () => parquetLayout(blob, file.size, signature, `'${file.path}'`));
}

const arrayLayouts = new Map<string, ColumnLayout | string>();

/** The positional layout for JSONL array lines of `length` values, or the reason they cannot bind. */
export function arrayLayout(signature: ModelSignature, length: number): ColumnLayout | string {
  const key = `${signature.inputs.map((i) => `${i.name}:${i.shape.join('x')}`).join(',')}|${length}`;
  let layout = arrayLayouts.get(key);
  if (layout === undefined) {
    try {
      layout = bindColumns(undefined, length, signature, 'the line');
    } catch (error) {
      layout = (error as Error).message;
    }
    if (arrayLayouts.size > MAX_ENTRIES) arrayLayouts.clear();
    arrayLayouts.set(key, layout);
  }
  return layout;
}
