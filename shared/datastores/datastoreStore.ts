/**
 * Datastores: named Blob containers (with an optional folder prefix) that batch jobs and pipelines
 * read and write, stored in Cosmos (container `datastores`, partition key `/name`).
 * `workspaceblobstore` always exists (container `workspaceblobstore`) unless it was overridden.
 *
 * @example
 *   await putDatastore('landing', { container: 'scoring-data', prefix: 'in/' });
 *   const ds = await getDatastore('landing'); // { name, container, prefix, accountUrl, … }
 */
import type { Datastore, DatastoreSpec } from '../api/schemas';
import { SibylError } from '../errors';
import { getBlobServiceClient } from '../storage/blobService';
import { isNotFound } from '../storage/cosmosErrors';
import { getContainer } from '../storage/cosmosDatabase';
import { refuseReservedContainer } from './reservedContainers';

/** The datastore every workspace has. */
export const DEFAULT_DATASTORE = 'workspaceblobstore';

/** The stored document (changing it changes stored data). */
export interface DatastoreDoc {
  id: string;
  name: string;
  container: string;
  prefix?: string;
  createdAt: string;
  updatedAt: string;
}

const BUILT_IN: DatastoreDoc = {
  id: DEFAULT_DATASTORE,
  name: DEFAULT_DATASTORE,
  container: DEFAULT_DATASTORE,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};
const NAME = /^[A-Za-z0-9_]{1,255}$/;

const datastores = () => getContainer('datastores');

/** The Blob endpoint datastores live on (the app's storage account). */
export function accountUrl(): string {
  return getBlobServiceClient().url.replace(/\/$/, '');
}

/** Folder prefixes are stored without a leading slash and with a trailing one (or empty). */
export function normalizePrefix(prefix: string | undefined): string | undefined {
  const trimmed = (prefix ?? '').replace(/^\/+/, '').replace(/\/+$/, '');
  return trimmed ? `${trimmed}/` : undefined;
}

function toDatastore(doc: DatastoreDoc): Datastore {
  return {
    name: doc.name,
    container: doc.container,
    ...(doc.prefix ? { prefix: doc.prefix } : {}),
    accountUrl: accountUrl(),
    ...(doc.name === DEFAULT_DATASTORE ? { isDefault: true } : {}),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

function notFound(name: string): SibylError {
  return new SibylError(
    'DatastoreNotFound',
    `Datastore '${name.slice(0, 100)}' does not exist. ` +
      `Register it with PUT api/datastores/${name.slice(0, 100)} ({"container": "<blob container>"}).`,
  );
}

/** The stored document of `name` (the built-in default when not overridden); throws DatastoreNotFound. */
export async function readDatastoreDoc(name: string): Promise<DatastoreDoc> {
  if (!NAME.test(name))
    throw new SibylError(
      'InvalidInput',
      `Datastore name '${name.slice(0, 100)}' is invalid: use 1–255 letters, digits and underscores.`,
    );
  try {
    const { resource } = await datastores().item(name, name).read<DatastoreDoc>();
    if (resource) return resource;
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  if (name === DEFAULT_DATASTORE) return BUILT_IN;
  throw notFound(name);
}

export async function getDatastore(name: string): Promise<Datastore> {
  return toDatastore(await readDatastoreDoc(name));
}

/** Every datastore, `workspaceblobstore` included, sorted by name. */
export async function listDatastores(): Promise<Datastore[]> {
  const { resources } = await datastores().items.query<DatastoreDoc>('SELECT * FROM c').fetchAll();
  const docs = new Map(resources.map((d) => [d.name, d]));
  if (!docs.has(DEFAULT_DATASTORE)) docs.set(DEFAULT_DATASTORE, BUILT_IN);
  return [...docs.values()].sort((a, b) => a.name.localeCompare(b.name)).map(toDatastore);
}

/** Registers or updates `name`; `created` says which (201 vs 200). The Blob container is created if missing. */
export async function putDatastore(
  name: string,
  spec: DatastoreSpec,
): Promise<{ datastore: Datastore; created: boolean }> {
  refuseReservedContainer(spec.container);
  const now = new Date().toISOString();
  let existing: DatastoreDoc | undefined;
  try {
    existing = (await datastores().item(name, name).read<DatastoreDoc>()).resource;
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  const prefix = normalizePrefix(spec.prefix);
  const doc: DatastoreDoc = {
    id: name,
    name,
    container: spec.container,
    ...(prefix ? { prefix } : {}),
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  await getBlobServiceClient().getContainerClient(doc.container).createIfNotExists();
  await datastores().items.upsert(doc);
  return { datastore: toDatastore(doc), created: !existing && name !== DEFAULT_DATASTORE };
}
