/**
 * A deployment's code asset on local disk: its manifest (`code/{name}/{version}.manifest.json`) read
 * from Blob storage, then its files downloaded and each checked against its SHA-256 by the same folder
 * cache the scorer uses for models.
 */
import { join } from 'node:path';
import { CODE_CONTAINER, codeManifestPath, type CodeManifest } from '../../shared/compute/userRuntime';
import { SibylError } from '../../shared/errors';
import type { ScorerConfig } from '../../shared/scorerConfig';
import { ModelFolderCache } from '../../shared/registry/modelFolderCache';
import { createBlobServiceClient } from '../../shared/storage/blobService';

export async function materialiseCode(config: ScorerConfig, name: string, version: number): Promise<string> {
  const container = createBlobServiceClient(config.storage).getContainerClient(CODE_CONTAINER);
  let manifest: CodeManifest;
  try {
    const text = (await container.getBlockBlobClient(codeManifestPath(name, version)).downloadToBuffer()).toString();
    manifest = JSON.parse(text) as CodeManifest;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404)
      throw new SibylError('NotFound', `Code asset ${name}:${version} is not in the '${CODE_CONTAINER}' container.`);
    throw error;
  }
  const cache = new ModelFolderCache({
    dir: join(config.userCode.cacheDir, 'code'),
    maxBytes: config.modelCache.maxBytes,
    holds: 'code',
  });
  return cache.materialise(manifest, container);
}
