/**
 * The `copy` and `move` steps: blobs from one datastore path to another, streamed through the app
 * (so it works with keys and managed identities alike, across containers).
 *
 * - `from.path` is a file, a folder (`in/`, every blob under it) or a glob (`in/**\/*.csv`).
 * - A single file to a `to.path` without a trailing `/` lands at exactly that path; otherwise `to.path`
 *   is a folder and each blob keeps its path relative to the source folder (or the glob's literal folder).
 * - The result's `path` is the destination file when `from.path` named one file, else the folder.
 * - `move` deletes each source after copying it, only if it was not rewritten meanwhile (ETag), so a
 *   newer version that just landed is kept. Re-running a move whose source is gone but whose single
 *   destination exists counts as done (an activity retried after a crash).
 *
 * @example
 *   await transferBlobs('move', { datastore: 'landing', path: 'incoming/a.csv' }, { datastore: 'landing', path: 'archive/' });
 *   // → { datastore: 'landing', path: 'archive/a.csv', files: 1 }
 */
import { Readable } from 'node:stream';
import { RestError, type ContainerClient } from '@azure/storage-blob';
import type { DatastorePath } from '../api/schemas';
import {
  blobNameOf,
  blobsUnder,
  containerOf,
  normalizePath,
  type DatastoreLocation,
} from '../datastores/datastorePaths';
import { readDatastoreDoc } from '../datastores/datastoreStore';
import { SibylError } from '../errors';
import { compilePathGlob } from '../schedules/pathGlob';

export interface TransferResult {
  datastore: string;
  /** The destination file (one file to an exact path) or folder. */
  path: string;
  files: number;
}

interface Source {
  blob: string;
  /** Path below the source folder, kept under the destination folder. */
  relative: string;
}

const statusOf = (error: unknown): number | undefined => (error instanceof RestError ? error.statusCode : undefined);

/** The blobs `path` names (a glob, one file, or a folder), and whether it named one exact file. */
async function findSources(location: DatastoreLocation, path: string): Promise<{ sources: Source[]; exact: boolean }> {
  const glob = /[*?[{]/.test(path) ? compilePathGlob(path) : undefined;
  if (!glob && path && !path.endsWith('/')) {
    const blob = blobNameOf(location, path);
    if (await containerOf(location).getBlobClient(blob).exists())
      return { sources: [{ blob, relative: path.slice(path.lastIndexOf('/') + 1) }], exact: true };
  }
  const folder = glob ? glob.prefix : path && !path.endsWith('/') ? `${path}/` : path;
  const sources: Source[] = [];
  for await (const blob of blobsUnder(location, folder)) {
    if (!glob || glob.matches(blob.path)) sources.push({ blob: blob.name, relative: blob.path.slice(folder.length) });
  }
  return { sources: sources.sort((a, b) => (a.blob < b.blob ? -1 : 1)), exact: false };
}

async function copyOne(
  from: ContainerClient,
  source: string,
  to: ContainerClient,
  destination: string,
  deleteSource: boolean,
): Promise<void> {
  const sourceBlob = from.getBlobClient(source);
  const download = await sourceBlob.download();
  const body = download.readableStreamBody;
  if (!body) throw new SibylError('InternalError', `Blob '${source}' could not be read.`);
  await to.getBlockBlobClient(destination).uploadStream(Readable.from(body), 4 * 1024 * 1024, 4, {
    blobHTTPHeaders: { ...(download.contentType ? { blobContentType: download.contentType } : {}) },
  });
  if (!deleteSource || (from.containerName === to.containerName && source === destination)) return;
  try {
    await sourceBlob.delete({ conditions: { ifMatch: download.etag } });
  } catch (error) {
    // Gone already (404), or rewritten since it was copied (412): the newer version stays.
    if (statusOf(error) !== 404 && statusOf(error) !== 412) throw error;
  }
}

/** Copies or moves what `from` names to `to`; throws InvalidInput when nothing matches. */
export async function transferBlobs(
  kind: 'copy' | 'move',
  from: DatastorePath,
  to: DatastorePath,
): Promise<TransferResult> {
  const [source, target] = await Promise.all([readDatastoreDoc(from.datastore), readDatastoreDoc(to.datastore)]);
  const fromPath = normalizePath(from.path);
  const toPath = normalizePath(to.path);
  const { sources, exact } = await findSources(source, fromPath);
  const toFile = exact && toPath !== '' && !toPath.endsWith('/');
  const folder = toPath === '' || toPath.endsWith('/') ? toPath : `${toPath}/`;
  const destinationOf = (s: Source) => (toFile ? toPath : `${folder}${s.relative}`);
  const targetContainer = containerOf(target);
  if (sources.length === 0) {
    const single = !/[*?[{]/.test(fromPath) && fromPath !== '' && !fromPath.endsWith('/');
    const landed = single
      ? toPath.endsWith('/') || toPath === ''
        ? `${folder}${fromPath.slice(fromPath.lastIndexOf('/') + 1)}`
        : toPath
      : undefined;
    if (kind === 'move' && landed && (await targetContainer.getBlobClient(blobNameOf(target, landed)).exists()))
      return { datastore: target.name, path: landed, files: 1 };
    throw new SibylError(
      'InvalidInput',
      `Nothing to ${kind}: no blob matches '${fromPath}' in datastore '${source.name}'.`,
    );
  }
  const sourceContainer = containerOf(source);
  await targetContainer.createIfNotExists();
  for (let i = 0; i < sources.length; i += 4) {
    await Promise.all(
      sources
        .slice(i, i + 4)
        .map((s) =>
          copyOne(sourceContainer, s.blob, targetContainer, blobNameOf(target, destinationOf(s)), kind === 'move'),
        ),
    );
  }
  return { datastore: target.name, path: exact ? destinationOf(sources[0]!) : folder, files: sources.length };
}
