/** Datastore routes: `api/datastores…` (control plane). */
import { parseParams } from '../shared/api/validate';
import { DatastoreParams, DatastoreSpec } from '../shared/api/schemas';
import { getDatastore, listDatastores, putDatastore } from '../shared/datastores/datastoreStore';
import { registerRoute } from './http/registerRoute';
import { readBody } from './http/requestBody';

registerRoute('createOrUpdateDatastore', async (request) => {
  const { name } = parseParams(DatastoreParams, request.params);
  const spec = await readBody(request, DatastoreSpec, 'datastore');
  const { datastore, created } = await putDatastore(name, spec);
  return { status: created ? 201 : 200, jsonBody: datastore };
});

registerRoute('getDatastore', async (request) => {
  const { name } = parseParams(DatastoreParams, request.params);
  return { jsonBody: await getDatastore(name) };
});

registerRoute('listDatastores', async () => ({ jsonBody: { value: await listDatastores() } }));
