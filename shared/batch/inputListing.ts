/**
 * Finds the input files of a batch job: `path` is a file, a folder (every blob under it, recursively),
 * or a glob (`in/*.csv`, `in/**\/part-*.parquet`). Files come back sorted by name, which is the order
 * of rows in `predictions.csv`. Empty blobs and folder markers are skipped.
 *
 * @example const files = await listInputFiles(datastoreDoc, 'iris/input/');
 */
import { RestError } from '@azure/storage-blob';
import { SibylError } from '../errors';
import {
  blobNameOf,
  blobsUnder,
  containerOf,
  normalizePath,
  type DatastoreLocation,
} from '../datastores/datastorePaths';
import { compileGlob, isGlob, literalPrefix } from './globPattern';

/** One input file. */
export interface InputFile {
  /** Relative to the datastore (what the `file` column shows). */
  path: string;
  /** The blob name in the datastore's container. */
  blob: string;
  size: number;
}

/** Most files one job may read. */
export const MAX_INPUT_FILES = 200_000;

async function exactBlob(location: DatastoreLocation, path: string): Promise<InputFile | undefined> {
  const blob = blobNameOf(location, path);
  try {
    const props = await containerOf(location).getBlobClient(blob).getProperties();
    return { path: normalizePath(path), blob, size: props.contentLength ?? 0 };
  } catch (error) {
    if (error instanceof RestError && error.statusCode === 404) return undefined;
    throw error;
  }
}

async function listUnder(
  location: DatastoreLocation,
  folder: string,
  keep: (relative: string) => boolean,
): Promise<InputFile[]> {
  const files: InputFile[] = [];
  for await (const { name, path, size } of blobsUnder(location, folder)) {
    if (size === 0 || !keep(path)) continue;
    files.push({ path, blob: name, size });
    if (files.length > MAX_INPUT_FILES) {
      throw new SibylError('InvalidInput', `The input matches more than ${MAX_INPUT_FILES} files; split the job.`);
    }
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The files `path` names in the datastore (possibly none). */
export async function listInputFiles(location: DatastoreLocation, path: string): Promise<InputFile[]> {
  const normalized = normalizePath(path);
  if (isGlob(normalized)) {
    const pattern = compileGlob(normalized);
    return listUnder(location, literalPrefix(normalized), (relative) => pattern.test(relative));
  }
  if (normalized && !normalized.endsWith('/')) {
    const file = await exactBlob(location, normalized);
    if (file) return file.size > 0 ? [file] : [];
  }
  const folder = normalized && !normalized.endsWith('/') ? `${normalized}/` : normalized;
  return listUnder(location, folder, () => true);
}
