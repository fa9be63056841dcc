/**
 * Data-plane routes: Azure ML style scoring and the Open Inference Protocol v2 (`{model}` = endpoint,
 * `{version}` = deployment), plus its server health routes (anonymous).
 */
import { Type } from '@sinclair/typebox';
import { errors, type HeaderSpec, type ResponseSpec, type RouteSpec } from '../routeSpec';
import {
  InferRequest,
  InferResponse,
  Liveness,
  ModelMetadata,
  ModelReady,
  OipModelParams,
  OipModelVersionParams,
  Readiness,
  ScoreRequest,
  ScoreResponse,
  ServerMetadata,
} from '../schemas';

const bearer = ['endpointBearer'] as const;
const pin: Record<string, HeaderSpec> = {
  'azureml-model-deployment': { description: 'Send the request to this deployment, whatever the traffic split.' },
};
const answeredBy: Record<string, HeaderSpec> = {
  'azureml-model-deployment': { description: 'The deployment that answered.' },
};
const scoringErrors = (style: 'sibyl' | 'oip') => errors(style, 400, 404, 408, 413, 429, 503);

type OipModelRoute<Id extends string> = RouteSpec & { operationId: Id };

/** An OIP model route without and with `/versions/{version}`; the ids are written out so grep finds them. */
function oipModelRoutes<const Id extends string, const VersionId extends string>(
  suffix: '' | '/ready' | '/infer',
  ids: readonly [Id, VersionId],
  make: (versioned: boolean) => Omit<RouteSpec, 'path' | 'params' | 'operationId'>,
): readonly [OipModelRoute<Id>, OipModelRoute<VersionId>] {
  const route = <T extends string>(operationId: T, versioned: boolean): OipModelRoute<T> => ({
    ...make(versioned),
    operationId,
    path: `/api/v2/models/{model}${versioned ? '/versions/{version}' : ''}${suffix}`,
    params: versioned ? OipModelVersionParams : OipModelParams,
  });
  return [route(ids[0], false), route(ids[1], true)];
}

const tags = ['open-inference'];
const ok = (
  description: string,
  schema: ResponseSpec['schema'],
  headers?: Record<string, HeaderSpec>,
): ResponseSpec => ({ description, schema, ...(headers ? { headers } : {}) });

export const SCORING_ROUTES = [
  {
    operationId: 'scoreEndpoint',
    method: 'POST',
    path: '/api/endpoints/{name}/score',
    summary: 'Score rows (Azure ML style)',
    description:
      'The traffic split picks a deployment unless `azureml-model-deployment` pins one. Inputs are checked against the model signature.',
    tags: ['scoring'],
    security: bearer,
    params: Type.Object({ name: OipModelParams.properties.model }),
    headers: pin,
    request: { schema: ScoreRequest, validatedBy: 'codec' },
    responses: {
      200: ok(
        'Predictions: an array for a single-output model, else an object keyed by output name.',
        ScoreResponse,
        answeredBy,
      ),
      ...scoringErrors('sibyl'),
    },
  },
  {
    operationId: 'oipServerMetadata',
    method: 'GET',
    path: '/api/v2',
    summary: 'Server metadata',
    tags,
    security: [],
    responses: { 200: ok('Server metadata.', ServerMetadata) },
  },
  {
    operationId: 'healthLive',
    method: 'GET',
    path: '/api/v2/health/live',
    summary: 'Liveness',
    tags: ['health'],
    security: [],
    responses: { 200: ok('The process is up.', Liveness) },
  },
  {
    operationId: 'healthReady',
    method: 'GET',
    path: '/api/v2/health/ready',
    summary: 'Readiness: storage and Cosmos DB answer',
    tags: ['health'],
    security: [],
    responses: {
      200: ok('Ready.', Readiness),
      503: ok('Not ready; `checks` says which dependency failed.', Readiness),
    },
  },
  ...oipModelRoutes('', ['oipModelMetadata', 'oipModelVersionMetadata'], (versioned) => ({
    method: 'GET',
    summary: versioned ? 'Metadata of one deployment' : 'Model metadata of an endpoint',
    tags,
    security: bearer,
    responses: { 200: ok('Inputs and outputs.', ModelMetadata), ...errors('oip', 400, 404) },
  })),
  ...oipModelRoutes('/ready', ['oipModelReady', 'oipModelVersionReady'], (versioned) => ({
    method: 'GET',
    summary: versioned ? 'Whether one deployment can serve' : 'Whether the endpoint can serve',
    tags,
    security: bearer,
    responses: { 200: ok('Ready.', ModelReady), ...errors('oip', 400, 404), 503: ok('Not ready.', ModelReady) },
  })),
  ...oipModelRoutes('/infer', ['oipModelInfer', 'oipModelVersionInfer'], (versioned) => ({
    method: 'POST',
    summary: versioned ? 'Infer with one deployment' : 'Infer (the traffic split picks the deployment)',
    tags,
    security: bearer,
    headers: versioned ? undefined : pin,
    request: { schema: InferRequest, validatedBy: 'codec' },
    responses: { 200: ok('The output tensors.', InferResponse, answeredBy), ...scoringErrors('oip') },
  })),
] as const satisfies readonly RouteSpec[];
