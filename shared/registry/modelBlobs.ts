/**
 * Model files in Blob storage: `models/{name}/{version}/{path}` for each file of the version, each
 * with its SHA-256 in the blob's metadata, and `models/{name}/{version}.manifest.json` (the
 * `ModelManifest`) for readers without the registry, such as the scorer. Files move as streams.
 */
import { createHash } from 'node:crypto';
import { deleteFolderBlobs, uploadFolderBlobs, uploadManifestBlob } from '../assets/assetFolder';
import type { StoredFile } from '../assets/hashedFile';
import { ownContainer } from '../storage/blobService';
import type { ModelManifest } from './modelDocuments';

export const MODELS_CONTAINER = 'models';

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

/** The `models` container, created on first use. */
export const modelsContainer = ownContainer(MODELS_CONTAINER);

/** Uploads the files of `root` (streamed from disk, in parallel blocks) and the manifest. */
export async function uploadModelFolder(root: string, manifest: ModelManifest): Promise<void> {
  const client = await modelsContainer();
  await uploadFolderBlobs(client, modelFolderPrefix(manifest.name, manifest.version), root, manifest.files);
  await uploadManifestBlob(client, modelManifestPath(manifest.name, manifest.version), manifest);
}

/** Deletes every blob of a version (its folder and manifest). */
export async function deleteModelFolder(name: string, version: number): Promise<void> {
  await deleteFolderBlobs(await modelsContainer(), modelFolderPrefix(name, version), modelManifestPath(name, version));
}

/** The header carrying a version's `filesDigest` from the app to the scorer, which refuses files that differ. */
export const FILES_DIGEST_HEADER = 'x-sibyl-model-files-sha256';

/** A digest of a version's file list, naming one exact set of contents. */
export function filesDigest(files: readonly StoredFile[]): string {
  const lines = [...files].sort((a, b) => (a.path < b.path ? -1 : 1)).map((f) => `${f.sha256}  ${f.path}\n`);
  return createHash('sha256').update(lines.join('')).digest('hex');
}
