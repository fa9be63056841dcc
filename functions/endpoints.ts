/** Endpoint routes: `api/endpoints…` (control plane), keys, tokens and metrics. */
import { parseParams, parseQuery } from '../shared/api/validate';
import { EndpointMetricsQuery, EndpointParams, EndpointSpec, RegenerateKeysRequest } from '../shared/api/schemas';
import { getSnapshot } from '../shared/endpoints/endpointStore';
import {
  deleteEndpoint,
  getEndpoint,
  getEndpointKeys,
  issueEndpointToken,
  listEndpoints,
  putEndpoint,
  regenerateEndpointKey,
} from '../shared/endpoints/endpointService';
import { queryEndpointMetrics } from '../shared/endpoints/metrics/metricsQuery';
import { etagAnswer, ifMatchOf } from './http/conditional';
import { registerRoute } from './http/registerRoute';
import { originOf, readBody } from './http/requestBody';

registerRoute('createOrUpdateEndpoint', async (request) => {
  const { name } = parseParams(EndpointParams, request.params);
  const spec = await readBody(request, EndpointSpec, 'endpoint');
  return etagAnswer('endpoint', await putEndpoint(name, spec, originOf(request), { ifMatch: ifMatchOf(request) }));
});

registerRoute('listEndpoints', async (request) => ({ jsonBody: { value: await listEndpoints(originOf(request)) } }));

registerRoute('getEndpoint', async (request) => {
  const { name } = parseParams(EndpointParams, request.params);
  return etagAnswer('endpoint', await getEndpoint(name, originOf(request)));
});

registerRoute('deleteEndpoint', async (request) => {
  const { name } = parseParams(EndpointParams, request.params);
  await deleteEndpoint(name);
  return { status: 204 };
});

registerRoute('getEndpointKeys', async (request) => {
  const { name } = parseParams(EndpointParams, request.params);
  return { jsonBody: await getEndpointKeys(name) };
});

registerRoute('regenerateEndpointKeys', async (request) => {
  const { name } = parseParams(EndpointParams, request.params);
  const { keyType } = await readBody(request, RegenerateKeysRequest, 'key regeneration');
  return { jsonBody: await regenerateEndpointKey(name, keyType) };
});

registerRoute('getEndpointToken', async (request) => {
  const { name } = parseParams(EndpointParams, request.params);
  const functionKey = request.headers.get('x-functions-key') ?? request.query.get('code');
  return { jsonBody: await issueEndpointToken(name, request.headers.get('authorization'), functionKey) };
});

registerRoute('getEndpointMetrics', async (request) => {
  const { name } = parseParams(EndpointParams, request.params);
  const { minutes } = parseQuery(EndpointMetricsQuery, request.query);
  const snapshot = await getSnapshot(name, { fresh: true });
  return {
    jsonBody: await queryEndpointMetrics(
      name,
      minutes ?? 60,
      snapshot.deployments.map((d) => d.name),
    ),
  };
});
