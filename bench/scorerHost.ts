/**
 * Benchmark case (e): Sibyl's scoring container (`scorer/`) as a child process on CPU, one per model as
 * a deployment's replica serves one (`SIBYL_SCORER_MODEL`), loading it from the registry's blob container
 * in an Azurite child, as it does in Azure.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { freePort } from '../shared/net/freePort';
import { modelBlobPath, MODELS_CONTAINER } from '../shared/registry/modelBlobs';
import type { AzuriteChild } from './azuriteChild';
import type { BenchModel } from './benchModels';
import { spawnNode, waitFor, type ChildHandle } from './childProcess';
import { REPO_ROOT } from './emulatorHost';

export interface ScorerHost extends ChildHandle {
  baseUrl: string;
  key: string;
  /** The OIP infer URL of the model it serves. */
  inferUrl: string;
}

const VERSION = 1;
const modelName = (model: BenchModel) => `bench-${model.size}`;

export async function startScorer(
  azurite: AzuriteChild,
  model: BenchModel,
  options: { workDir: string; maxQueueDelayMs: number; nodeFlags?: string[] },
): Promise<ScorerHost> {
  const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
    MODELS_CONTAINER,
  );
  await container.createIfNotExists();
  // The checksum the scorer verifies at load, where the registry would have recorded it.
  const sha256 = createHash('sha256').update(model.bytes).digest('hex');
  await container
    .getBlockBlobClient(modelBlobPath(modelName(model), VERSION))
    .uploadData(model.bytes, { metadata: { sha256 } });
  const port = await freePort();
  const key = randomBytes(24).toString('base64url');
  const handle = spawnNode({
    args: [path.join(REPO_ROOT, 'dist', 'scorer', 'main.js')],
    cwd: options.workDir,
    env: {
      ...process.env,
      PORT: String(port),
      SIBYL_SCORER_HOST: '127.0.0.1',
      SIBYL_SCORER_KEY: key,
      SIBYL_SCORER_EXECUTION_PROVIDERS: 'cpu',
      SIBYL_SCORER_MODEL: `${modelName(model)}:${VERSION}`,
      AzureWebJobsStorage: azurite.connectionString,
      SIBYL_SCORER_MAX_BATCH_SIZE: '64',
      SIBYL_SCORER_MAX_QUEUE_DELAY_MS: String(options.maxQueueDelayMs),
    },
    logFile: path.join(options.workDir, `scorer-${model.size}.log`),
    nodeFlags: options.nodeFlags,
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitFor(handle, 'the scorer', 60_000, async () =>
    (await fetch(`${baseUrl}/v2/health/ready`)).ok ? true : undefined,
  );
  return {
    ...handle,
    baseUrl,
    key,
    inferUrl: `${baseUrl}/v2/models/${modelName(model)}/versions/${VERSION}/infer`,
  };
}
