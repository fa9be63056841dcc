/** The Blob service client: a connection string locally, the managed identity in Azure. */
import { BlobServiceClient } from '@azure/storage-blob';
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
