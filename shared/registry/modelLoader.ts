/**
 * Opens a registered version for ONNX Runtime: its folder materialised (checksums verified), its
 * external data checked again to stay inside that folder, and the session created from the model
 * file's own path, never from bytes or the app's working directory.
 *
 * @example
 *   const source = await modelFileOf(manifestOf(doc)); // { file: '/tmp/sibyl-models/iris/3-…/model.onnx' }
 *   const session = await ModelSession.load(source);
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerClient } from '@azure/storage-blob';
import { getConfig } from '../config';
import { SibylError } from '../errors';
import type { ModelFile } from '../scoring/modelSource';
import { checkExternalData } from './externalData';
import { modelsContainer } from './modelBlobs';
import type { ModelManifest } from './modelDocuments';
import { ModelFolderCache } from './modelFolderCache';

/** A custom model has no ONNX file to open: an ONNX environment cannot serve it. `InvalidInput` (400). */
export function assertServableByOnnx(
  manifest: ModelManifest,
): asserts manifest is ModelManifest & { modelFile: string } {
  if (manifest.type === 'custom' || !manifest.modelFile) {
    throw new SibylError(
      'InvalidInput',
      `Model ${manifest.name}:${manifest.version} is a custom model: it needs a scoring script. ` +
        `ONNX environments serve only onnx and mlflow models with an onnx flavor; ` +
        `deploy it with a python or node environment (e.g. python-3.11@1) and code.scoringScript naming the script.`,
    );
  }
}

/** The model file to open, in a verified local folder. */
export async function openModelFolder(
  manifest: ModelManifest,
  container: ContainerClient,
  cache: ModelFolderCache,
): Promise<ModelFile> {
  assertServableByOnnx(manifest);
  const folder = await cache.materialise(manifest, container);
  const file = join(folder, manifest.modelFile);
  checkExternalData(await readFile(file), manifest.modelFile, manifest.files);
  return { file };
}

let appCache: ModelFolderCache | undefined;

/** `openModelFolder` for the Function App (real-time and batch), with its configured cache. */
export async function modelFileOf(manifest: ModelManifest): Promise<ModelFile> {
  appCache ??= new ModelFolderCache(getConfig().modelCache);
  return openModelFolder(manifest, await modelsContainer(), appCache);
}
