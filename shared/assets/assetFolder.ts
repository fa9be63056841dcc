/**
 * Folders of files registered as one asset (model folders, code assets): listing a folder on disk,
 * dropping the single top folder an archive of a folder usually holds, and moving the files to and
 * from Blob storage under a prefix. Files move as streams; nothing is held whole in memory.
 */
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { ContainerClient } from '@azure/storage-blob';
import { SibylError } from '../errors';
import { hashFile, type StoredFile } from './hashedFile';

const UPLOAD_BLOCK_BYTES = 4 * 1024 * 1024;

/** Every file under `folder`, hashed; links and special files are refused. */
export async function listFolder(folder: string): Promise<StoredFile[]> {
  const files: StoredFile[] = [];
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    const full = join(entry.parentPath, entry.name);
    const path = relative(folder, full).split(sep).join('/');
    if (entry.isDirectory()) continue;
    if (!entry.isFile())
      throw new SibylError('InvalidInput', `'${path}' is not a plain file; folders hold files and folders only.`);
    files.push(await hashFile(full, path));
  }
  return files;
}

/** Archives of a folder usually hold `folder/…`: the folder's content is the asset. */
export function withoutSingleTopFolder(root: string, files: StoredFile[]): { root: string; files: StoredFile[] } {
  const tops = new Set(files.map((f) => f.path.split('/')[0]));
  const [top] = tops;
  if (tops.size !== 1 || top === undefined || files.some((f) => f.path === top)) return { root, files };
  return { root: join(root, top), files: files.map((f) => ({ ...f, path: f.path.slice(top.length + 1) })) };
}

/** Uploads `files` of `root` to `prefix{path}` (streamed from disk, in blocks), each with its SHA-256 in metadata. */
export async function uploadFolderBlobs(
  client: ContainerClient,
  prefix: string,
  root: string,
  files: readonly StoredFile[],
): Promise<void> {
  for (const file of files) {
    await client.getBlockBlobClient(prefix + file.path).uploadFile(join(root, file.path), {
      blobHTTPHeaders: { blobContentType: 'application/octet-stream' },
      metadata: { sha256: file.sha256 },
      // In blocks read from disk as they go: a single-shot upload (the SDK's default up to 256 MB) buffers.
      blockSize: UPLOAD_BLOCK_BYTES,
      maxSingleShotSize: UPLOAD_BLOCK_BYTES,
      concurrency: 2,
    });
  }
}

/** Writes a manifest (JSON) blob. */
export async function uploadManifestBlob(client: ContainerClient, path: string, manifest: unknown): Promise<void> {
  const text = JSON.stringify(manifest);
  await client.getBlockBlobClient(path).upload(text, Buffer.byteLength(text), {
    blobHTTPHeaders: { blobContentType: 'application/json' },
  });
}

/** Deletes every blob under `prefix`, then the manifest blob. */
export async function deleteFolderBlobs(client: ContainerClient, prefix: string, manifestPath: string): Promise<void> {
  for await (const blob of client.listBlobsFlat({ prefix })) {
    await client.getBlockBlobClient(blob.name).deleteIfExists();
  }
  await client.getBlockBlobClient(manifestPath).deleteIfExists();
}
