/**
 * Model files in Blob storage: `models/{name}/{version}/{path}` for each file of the version, each
 * with its SHA-256 in the blob's metadata, and `models/{name}/{version}.manifest.json` (the
 * `ModelManifest`) for readers without the registry, such as the scorer. Files move as streams.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { ContainerClient } from '@azure/storage-blob';
import type { StoredFile } from '../assets/hashedFile';
import { getBlobServiceClient } from '../storage/blobService';
import type { ModelManifest } from './modelDocuments';

export const MODELS_CONTAINER = 'models';
const UPLOAD_BLOCK_BYTES = 4 * 1024 * 1024;

/** The blob of the single file of a version registered before folders (and of raw `.onnx` uploads). */
export function modelBlobPath(name: string, version: number): string {
  return `${name}/${version}/model.onnx`;
}

export function modelFolderPrefix(name: string, version: number): string {
  return `${name}/${version}/`;
}

export function modelManifestPath(name: string, version: number): string {
  return `${name}/${version}.manifest.json`;
}

let ensured: Promise<unknown> | undefined;

/** The `models` container, created on first use. */
export async function modelsContainer(): Promise<ContainerClient> {
  const client = getBlobServiceClient().getContainerClient(MODELS_CONTAINER);
  ensured ??= client.createIfNotExists().catch((error: unknown) => {
    ensured = undefined;
    throw error;
  });
  await ensured;
  return client;
}

/** Uploads the files of `root` (streamed from disk, in parallel blocks) and the manifest. */
export async function uploadModelFolder(root: string, manifest: ModelManifest): Promise<void> {
  const client = await modelsContainer();
  const prefix = modelFolderPrefix(manifest.name, manifest.version);
  for (const file of manifest.files) {
    await client.getBlockBlobClient(prefix + file.path).uploadFile(join(root, file.path), {
      blobHTTPHeaders: { blobContentType: 'application/octet-stream' },
      metadata: { sha256: file.sha256 },
      // In blocks read from disk as they go: a single-shot upload (the SDK's default up to 256 MB) buffers.
      blockSize: UPLOAD_BLOCK_BYTES,
      maxSingleShotSize: UPLOAD_BLOCK_BYTES,
      concurrency: 2,
    });
  }
  const text = JSON.stringify(manifest);
  await client
    .getBlockBlobClient(modelManifestPath(manifest.name, manifest.version))
    .upload(text, Buffer.byteLength(text), {
      blobHTTPHeaders: { blobContentType: 'application/json' },
    });
}

/** Deletes every blob of a version (its folder and manifest). */
export async function deleteModelFolder(name: string, version: number): Promise<void> {
  const client = await modelsContainer();
  for await (const blob of client.listBlobsFlat({ prefix: modelFolderPrefix(name, version) })) {
    await client.getBlockBlobClient(blob.name).deleteIfExists();
  }
  await client.getBlockBlobClient(modelManifestPath(name, version)).deleteIfExists();
}

/** The header carrying a version's `filesDigest` from the app to the scorer, which refuses files that differ. */
export const FILES_DIGEST_HEADER = 'x-sibyl-model-files-sha256';

/** A digest of a version's file list, naming one exact set of contents. */
export function filesDigest(files: readonly StoredFile[]): string {
  const lines = [...files].sort((a, b) => (a.path < b.path ? -1 : 1)).map((f) => `${f.sha256}  ${f.path}\n`);
  return createHash('sha256').update(lines.join('')).digest('hex');
}
