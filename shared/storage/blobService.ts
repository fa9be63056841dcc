/** The Blob service client: a connection string locally, the managed identity in Azure. */
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import type { StorageSettings } from '../config';
import { getConfig } from '../config';
import { getCredential } from './credential';

let client: BlobServiceClient | undefined;

export function createBlobServiceClient(settings: StorageSettings): BlobServiceClient {
  return settings.kind === 'connectionString'
    ? BlobServiceClient.fromConnectionString(settings.connectionString)
    : new BlobServiceClient(settings.blobServiceUri, getCredential());
}

/** The app's shared client (created on first use from `getConfig()`). */
export function getBlobServiceClient(): BlobServiceClient {
  client ??= createBlobServiceClient(getConfig().storage);
  return client;
}

/**
 * One of Sibyl's own containers, created on first use: the getter answers once the container
 * exists; a failed creation is tried again on the next call.
 *
 * @example
 *   const jobsContainer = ownContainer('sibyl-batch');
 *   const blob = (await jobsContainer()).getBlockBlobClient('job-1/job.json');
 */
export function ownContainer(name: string): () => Promise<ContainerClient> {
  let ensured: Promise<unknown> | undefined;
  return async () => {
    const container = getBlobServiceClient().getContainerClient(name);
    ensured ??= container.createIfNotExists().catch((error: unknown) => {
      ensured = undefined;
      throw error;
    });
    await ensured;
    return container;
  };
}
