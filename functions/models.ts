/** Model registry routes: `api/models…` (control plane). */
import { SibylError } from '../shared/errors';
import { parseBody, parseParams } from '../shared/api/validate';
import { ModelAliasParams, ModelParams, ModelUploadQuery, ModelVersionParams, ModelVersionPatch, SetAliasRequest } from '../shared/api/schemas';
import { deploymentsUsingModel } from '../shared/endpoints/endpointStore';
import {
  deleteModelVersion,
  getModel,
  getModelVersion,
  listModels,
  listModelVersions,
  registerModelVersion,
  setModelAlias,
  updateModelVersion,
} from '../shared/registry/modelRegistry';
import { registerRoute } from './http/registerRoute';
import { readBody, readBytes } from './http/requestBody';

registerRoute('registerModelVersion', async (request, _context, call) => {
  const { name } = parseParams(ModelParams, request.params);
  const contentType = (request.headers.get('content-type') ?? 'application/octet-stream').split(';')[0]!.trim().toLowerCase();
  if (!['application/octet-stream', 'application/onnx', 'application/x-onnx'].includes(contentType)) {
    throw new SibylError('UnsupportedMediaType', `Send the .onnx file as the raw body with Content-Type: application/octet-stream (got '${contentType}').`);
  }
  const details = parseBody(ModelUploadQuery, { description: request.query.get('description') ?? undefined, tags: parseTagsQuery(request.query.get('tags')) }, 'query string');
  const bytes = await readBytes(request);
  const version = await registerModelVersion(name, bytes, details);
  call.log.model = `${name}:${version.version}`;
  return { status: 201, jsonBody: version, headers: { location: `/api/models/${name}/versions/${version.version}` } };
});

/** `?tags={"team":"fraud"}`: a JSON object in the query string. */
function parseTagsQuery(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SibylError('InvalidInput', 'The tags query parameter must be a JSON object, e.g. tags={"team":"fraud"}.');
  }
}

registerRoute('listModels', async () => ({ jsonBody: { value: await listModels() } }));

registerRoute('getModel', async (request) => {
  const { name } = parseParams(ModelParams, request.params);
  return { jsonBody: await getModel(name) };
});

registerRoute('listModelVersions', async (request) => {
  const { name } = parseParams(ModelParams, request.params);
  return { jsonBody: { value: await listModelVersions(name) } };
});

registerRoute('getModelVersion', async (request) => {
  const { name, version } = parseParams(ModelVersionParams, request.params);
  return { jsonBody: await getModelVersion(name, version) };
});

registerRoute('updateModelVersion', async (request) => {
  const { name, version } = parseParams(ModelVersionParams, request.params);
  const change = await readBody(request, ModelVersionPatch, 'version update');
  return { jsonBody: await updateModelVersion(name, version, change) };
});

registerRoute('deleteModelVersion', async (request) => {
  const { name, version } = parseParams(ModelVersionParams, request.params);
  await deleteModelVersion(name, version, deploymentsUsingModel);
  return { status: 204 };
});

registerRoute('setModelAlias', async (request) => {
  const { name, alias } = parseParams(ModelAliasParams, request.params);
  const { version } = await readBody(request, SetAliasRequest, 'alias');
  return { jsonBody: await setModelAlias(name, alias, version) };
});
