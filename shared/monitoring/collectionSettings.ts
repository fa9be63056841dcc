/**
 * A deployment's `dataCollection` with its defaults filled in (every request, both collections, the
 * workspace datastore), checked when the deployment is saved so a missing datastore is a 404 at `PUT`
 * rather than data silently dropped later.
 *
 * @example const settings = await checkDataCollection({ enabled: true }); // samplingRate 1, both collections
 */
import type { Collection, DataCollection } from '../api/schemas';
import { DEFAULT_DATASTORE, readDatastoreDoc } from '../datastores/datastoreStore';

export const ALL_COLLECTIONS: readonly Collection[] = ['model_inputs', 'model_outputs'];

export type ResolvedDataCollection = Required<DataCollection>;

export function resolveDataCollection(spec: DataCollection): ResolvedDataCollection {
  return {
    enabled: spec.enabled,
    samplingRate: spec.samplingRate ?? 1,
    collections: spec.collections ?? [...ALL_COLLECTIONS],
    datastore: spec.datastore ?? DEFAULT_DATASTORE,
  };
}

/** The settings with defaults; throws DatastoreNotFound (404) when collection is on and the datastore is unknown. */
export async function checkDataCollection(spec: DataCollection): Promise<ResolvedDataCollection> {
  const resolved = resolveDataCollection(spec);
  if (resolved.enabled) await readDatastoreDoc(resolved.datastore);
  return resolved;
}
