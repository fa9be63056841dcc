/**
 * Paths inside a datastore ⇄ blob names in its container: a datastore path is relative to the
 * datastore's prefix (`in/a.csv` in a datastore with prefix `landing/` is blob `landing/in/a.csv`).
 *
 * @example blobNameOf({ container: 'c', prefix: 'landing/' }, '/in/a.csv') === 'landing/in/a.csv'
 */
import { RestError, type ContainerClient } from '@azure/storage-blob';
import { SibylError } from '../errors';
import { getBlobServiceClient } from '../storage/blobService';
import type { DatastoreDoc } from './datastoreStore';
import { refuseReservedContainer } from './reservedContainers';

/** What a path resolves against. */
export type DatastoreLocation = Pick<DatastoreDoc, 'name' | 'container' | 'prefix'>;

const hasControlCharacter = (s: string) => [...s].some((c) => c.charCodeAt(0) < 0x20);

/** A datastore path with no leading slash; refuses `..` segments and control characters. */
export function normalizePath(path: string): string {
  const trimmed = path.replace(/^\/+/, '');
  if (/(^|\/)\.\.(\/|$)/.test(trimmed) || hasControlCharacter(trimmed)) {
    throw new SibylError(
      'InvalidInput',
      `Datastore path '${path.slice(0, 200)}' is invalid: it may not contain '..' segments or control characters.`,
    );
  }
  return trimmed;
}

export function blobNameOf(location: DatastoreLocation, path: string): string {
  return `${location.prefix ?? ''}${normalizePath(path)}`;
}

/** The datastore-relative path of a blob that lies under the datastore's prefix. */
export function relativePathOf(location: DatastoreLocation, blobName: string): string {
  const prefix = location.prefix ?? '';
  return blobName.startsWith(prefix) ? blobName.slice(prefix.length) : blobName;
}

/** The datastore's container; one stored before containers were reserved is refused here too. */
export function containerOf(location: DatastoreLocation): ContainerClient {
  refuseReservedContainer(location.container);
  return getBlobServiceClient().getContainerClient(location.container);
}

/** A blob under a datastore folder: its name in the container, its datastore path and its size. */
export interface DatastoreBlob {
  name: string;
  path: string;
  size: number;
}

/** The blobs under `folder` (a datastore path), folder markers left out; none when the container does not exist. */
export async function* blobsUnder(location: DatastoreLocation, folder: string): AsyncGenerator<DatastoreBlob> {
  try {
    for await (const item of containerOf(location).listBlobsFlat({ prefix: blobNameOf(location, folder) })) {
      if (item.name.endsWith('/')) continue;
      yield { name: item.name, path: relativePathOf(location, item.name), size: item.properties.contentLength ?? 0 };
    }
  } catch (error) {
    if (!(error instanceof RestError && error.statusCode === 404)) throw error;
  }
}
