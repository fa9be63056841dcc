/**
 * Blob access for `upload` / `download`: the datastore's container and prefix come from the API
 * (`GET api/datastores/{name}` reports `accountUrl`); the credential is, in order, `--connection-string`,
 * `AZURE_STORAGE_CONNECTION_STRING`, Azurite's published development key when the account is a local
 * Azurite, else `DefaultAzureCredential` (az login, managed identity…), whose token goes only to an
 * Azure storage account or a local Azurite (`transportPolicy.ts`).
 *
 * @example
 *   const { container, blobName } = await datastoreBlobs(api, 'workspaceblobstore', opts.connectionString);
 *   await container.getBlockBlobClient(blobName('iris/input/a.csv')).uploadFile('a.csv');
 */
import { BlobServiceClient, RestError, StorageSharedKeyCredential, type ContainerClient } from '@azure/storage-blob';
import { seg, type ApiClient } from './apiClient';
import { ApiError } from './cliErrors';
import { assertTrustedStorage, isLoopbackHost } from './transportPolicy';

/** `Datastore` as the API answers it. */
export interface Datastore {
  name: string;
  container: string;
  prefix?: string;
  accountUrl: string;
  isDefault?: boolean;
  updatedAt?: string;
}

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
const AZURITE_ACCOUNT = 'devstoreaccount1';
const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

function isLocalAzurite(accountUrl: string): boolean {
  const url = new URL(accountUrl);
  return isLoopbackHost(url.hostname) && url.pathname.replace(/^\/+/, '').startsWith(AZURITE_ACCOUNT);
}

async function serviceClient(accountUrl: string, connectionString: string | undefined): Promise<BlobServiceClient> {
  const cs = connectionString ?? process.env.AZURE_STORAGE_CONNECTION_STRING;
  if (cs) return BlobServiceClient.fromConnectionString(cs);
  if (isLocalAzurite(accountUrl))
    return new BlobServiceClient(accountUrl, new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY));
  // The token opens the user's whole Azure estate: only an Azure storage account may see it.
  assertTrustedStorage(accountUrl);
  // Loaded only when needed: it is large, and most commands never touch storage.
  const { DefaultAzureCredential } = await import('@azure/identity');
  return new BlobServiceClient(accountUrl, new DefaultAzureCredential());
}

export interface DatastoreBlobs {
  datastore: Datastore;
  container: ContainerClient;
  /** The blob name of a path relative to the datastore (its prefix in front). */
  blobName(path: string): string;
  /** The path relative to the datastore of a blob name. */
  relativePath(blobName: string): string;
}

/** The container and path mapping of a datastore. */
export async function datastoreBlobs(api: ApiClient, name: string, connectionString?: string): Promise<DatastoreBlobs> {
  const datastore = await api.get<Datastore>(`/api/datastores/${seg(name)}`);
  const trimmed = (datastore.prefix ?? '').replace(/^\/+|\/+$/g, '');
  const root = trimmed ? `${trimmed}/` : '';
  const container = (await serviceClient(datastore.accountUrl, connectionString)).getContainerClient(
    datastore.container,
  );
  return {
    datastore,
    container,
    blobName: (path) => `${root}${path.replace(/^\/+/, '')}`,
    relativePath: (blob) => (blob.startsWith(root) ? blob.slice(root.length) : blob),
  };
}

/** Runs a storage call, turning SDK failures into one-line `ApiError`s with the storage error code. */
export async function storageCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof RestError) {
      const code = error.code ?? 'StorageError';
      const first = (error.message.split('\n')[0] ?? '').trim();
      throw new ApiError(error.statusCode ?? 0, code, `${what}: ${first || code}`);
    }
    if (error instanceof Error && /credential|authenticat/i.test(error.name + error.message)) {
      throw new ApiError(
        0,
        'StorageAuthFailed',
        `${what}: ${error.message.split('\n')[0]} (pass --connection-string or set AZURE_STORAGE_CONNECTION_STRING)`,
      );
    }
    throw error;
  }
}
