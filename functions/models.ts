/** Model registry routes: `api/models…` (control plane). */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SibylError } from '../shared/errors';
import { parseBody, parseParams } from '../shared/api/validate';
import {
  ModelAliasParams,
  ModelParams,
  ModelUploadQuery,
  StagedRegistration,
  ModelVersionParams,
  ModelVersionPatch,
  SetAliasRequest,
} from '../shared/api/schemas';
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
import { createStagedUpload, registerStagedUpload } from '../shared/registry/stagedUploads';
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { SibylHttpHandler } from './http/httpHandler';
import { etagAnswer, ifMatchOf } from './http/conditional';
import { registerRoute } from './http/registerRoute';
import { ARCHIVE_MEDIA_TYPES, mediaTypeOf, readBody, readBytes } from './http/requestBody';

/** Body media types of `POST api/models/{name}/versions` and what each body is. */
const UPLOAD_FORMATS: Readonly<Record<string, 'onnx' | 'zip' | 'tar.gz'>> = {
  'application/octet-stream': 'onnx',
  'application/onnx': 'onnx',
  'application/x-onnx': 'onnx',
  ...ARCHIVE_MEDIA_TYPES,
};

registerRoute('registerModelVersion', async (request, _context, call) => {
  const { name } = parseParams(ModelParams, request.params);
  const contentType = mediaTypeOf(request);
  if (contentType === 'application/json') return registerStaged(request, name, call);
  const format = UPLOAD_FORMATS[contentType];
  if (!format) {
    throw new SibylError(
      'UnsupportedMediaType',
      'Send the model as the raw body: a .onnx file (application/octet-stream), a .zip (application/zip) ' +
        'or a .tar.gz (application/gzip), ' +
        `or {"upload": id} (application/json) after POST api/models/${name}/uploads; got '${contentType}'.`,
    );
  }
  const details = parseBody(
    ModelUploadQuery,
    {
      description: request.query.get('description') ?? undefined,
      tags: parseTagsQuery(request.query.get('tags')),
      type: request.query.get('type') ?? undefined,
    },
    'query string',
  );
  const folder = await mkdtemp(join(tmpdir(), 'sibyl-upload-'));
  try {
    const path = join(folder, format === 'onnx' ? 'model.onnx' : `upload.${format}`);
    await writeFile(path, await readBytes(request));
    const version = await registerModelVersion(name, { format, path }, details);
    call.log.model = `${name}:${version.version}`;
    return { status: 201, jsonBody: version, headers: { location: `/api/models/${name}/versions/${version.version}` } };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});

/** `{"upload": id, "type"?, "description"?, "tags"?}`: registers the files of a staged upload. */
async function registerStaged(
  request: HttpRequest,
  name: string,
  call: Parameters<SibylHttpHandler>[2],
): Promise<HttpResponseInit> {
  const { upload, ...details } = await readBody(request, StagedRegistration, 'staged registration');
  const version = await registerStagedUpload(name, upload, details);
  call.log.model = `${name}:${version.version}`;
  return { status: 201, jsonBody: version, headers: { location: `/api/models/${name}/versions/${version.version}` } };
}

registerRoute('createModelUpload', async (request) => {
  const { name } = parseParams(ModelParams, request.params);
  return { status: 201, jsonBody: await createStagedUpload(name) };
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
  return etagAnswer('model', await getModel(name));
});

registerRoute('listModelVersions', async (request) => {
  const { name } = parseParams(ModelParams, request.params);
  return { jsonBody: { value: await listModelVersions(name) } };
});

registerRoute('getModelVersion', async (request) => {
  const { name, version } = parseParams(ModelVersionParams, request.params);
  return etagAnswer('version', await getModelVersion(name, version));
});

registerRoute('updateModelVersion', async (request) => {
  const { name, version } = parseParams(ModelVersionParams, request.params);
  const change = await readBody(request, ModelVersionPatch, 'version update');
  return etagAnswer('version', await updateModelVersion(name, version, change, { ifMatch: ifMatchOf(request) }));
});

registerRoute('deleteModelVersion', async (request) => {
  const { name, version } = parseParams(ModelVersionParams, request.params);
  await deleteModelVersion(name, version, deploymentsUsingModel);
  return { status: 204 };
});

registerRoute('setModelAlias', async (request) => {
  const { name, alias } = parseParams(ModelAliasParams, request.params);
  const { version } = await readBody(request, SetAliasRequest, 'alias');
  return etagAnswer('model', await setModelAlias(name, alias, version, { ifMatch: ifMatchOf(request) }));
});
