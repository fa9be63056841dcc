/** Model files in Blob storage: `models/{name}/{version}/model.onnx`. */
import { createHash } from 'node:crypto';
import { getBlobServiceClient } from '../storage/blobService';

export const MODELS_CONTAINER = 'models';

export function modelBlobPath(name: string, version: number): string {
  return `${name}/${version}/model.onnx`;
}

let ensured: Promise<unknown> | undefined;

function container() {
  const client = getBlobServiceClient().getContainerClient(MODELS_CONTAINER);
  ensured ??= client.createIfNotExists().catch((error: unknown) => {
    ensured = undefined;
    throw error;
  });
  return { client, ready: ensured };
}

export async function uploadModelBlob(path: string, bytes: Uint8Array, sha256: string): Promise<void> {
  const { client, ready } = container();
  await ready;
  await client.getBlockBlobClient(path).uploadData(bytes, {
    blobHTTPHeaders: { blobContentType: 'application/octet-stream' },
    metadata: { sha256 },
  });
}

export async function downloadModelBlob(path: string): Promise<Buffer> {
  const { client } = container();
  return client.getBlockBlobClient(path).downloadToBuffer();
}

export async function deleteModelBlob(path: string): Promise<void> {
  const { client } = container();
  await client.getBlockBlobClient(path).deleteIfExists();
}

export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
