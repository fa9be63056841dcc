/**
 * The OpenAPI 3.1 document of the HTTP API, built from the route table and the same schemas that
 * validate requests. Output is deterministic (components sorted by name, paths in table order).
 *
 * @example
 *   return { status: 200, jsonBody: openApiDocument() };
 */
import { version } from '../../package.json';
import { ROUTES } from './routes';
import type { HeaderSpec, ResponseSpec, RouteSpec } from './routeSpec';
import { ErrorBody, OipError } from './schemas/errors';
import { SchemaRegistry, type JsonObject, type JsonValue } from './openApiSchemas';

export interface OpenApiOptions {
  /** The base URL clients call; default `/` (the host serving the document). */
  serverUrl?: string;
  /** Default: the whole route table. */
  routes?: readonly RouteSpec[];
}

const TAGS: Record<string, string> = {
  models: 'Model registry: versions, aliases.',
  environments: 'Runtime environments of deployments.',
  endpoints: 'Real-time endpoints, deployments, keys, tokens, metrics.',
  scoring: 'Azure ML style scoring.',
  'open-inference': 'Open Inference Protocol v2 (KServe/Triton REST).',
  health: 'Liveness and readiness.',
  datastores: 'Blob datastores.',
  batch: 'Batch scoring jobs.',
  pipelines: 'Pipelines and their runs.',
  schedules: 'Cron and data-change schedules.',
  runs: 'Runs and experiments.',
  service: 'This document and the dashboard.',
};

const SECURITY_SCHEMES: JsonObject = {
  functionKey: {
    type: 'apiKey',
    in: 'header',
    name: 'x-functions-key',
    description: 'An Azure Functions key (control plane).',
  },
  functionKeyQuery: { type: 'apiKey', in: 'query', name: 'code', description: 'The same Functions key, as `?code=`.' },
  endpointBearer: {
    type: 'http',
    scheme: 'bearer',
    description: 'Per endpoint `authMode`: a key, a token from `POST …/token`, or a Microsoft Entra ID access token.',
  },
};

const isOip = (route: RouteSpec) => route.path.startsWith('/api/v2/');

function security(route: RouteSpec): JsonValue {
  return route.security.flatMap((kind): JsonObject[] =>
    kind === 'functionKey' ? [{ functionKey: [] }, { functionKeyQuery: [] }] : [{ endpointBearer: [] }],
  );
}

function headers(specs: Readonly<Record<string, HeaderSpec>> | undefined): JsonObject {
  const out: JsonObject = { 'x-ms-request-id': { $ref: '#/components/headers/RequestId' } };
  for (const [name, spec] of Object.entries(specs ?? {}))
    out[name] = { description: spec.description, schema: { type: 'string' } };
  return out;
}

function parameters(route: RouteSpec, registry: SchemaRegistry): JsonValue[] {
  const list: JsonValue[] = [];
  const pathNames = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  for (const name of pathNames) {
    const schema = route.params?.properties[name];
    if (!schema) throw new Error(`Route ${route.operationId}: path parameter '${name}' has no schema in params.`);
    list.push({ name, in: 'path', required: true, schema: registry.toOpenApi(schema) });
  }
  const required = new Set(route.query?.required ?? []);
  for (const [name, schema] of Object.entries(route.query?.properties ?? {})) {
    const converted = registry.toOpenApi(schema);
    const json = (schema as { type?: string }).type === 'object';
    list.push({
      name,
      in: 'query',
      required: required.has(name),
      ...(json ? { content: { 'application/json': { schema: converted } } } : { schema: converted }),
    });
  }
  for (const [name, spec] of Object.entries(route.headers ?? {})) {
    list.push({
      name,
      in: 'header',
      required: spec.required ?? false,
      description: spec.description,
      schema: { type: 'string' },
    });
  }
  return list;
}

function response(spec: ResponseSpec, registry: SchemaRegistry): JsonObject {
  const out: JsonObject = { description: spec.description, headers: headers(spec.headers) };
  if (spec.schema)
    out.content = { [spec.contentType ?? 'application/json']: { schema: registry.toOpenApi(spec.schema) } };
  return out;
}

function operation(route: RouteSpec, registry: SchemaRegistry): JsonObject {
  const errorSchema = isOip(route) ? OipError : ErrorBody;
  const responses: Record<number, ResponseSpec> = { ...route.responses };
  if (route.security.length > 0) {
    const bearer = route.security.includes('endpointBearer');
    responses[401] ??= {
      description: 'Missing, wrong or expired credential.',
      schema: errorSchema,
      ...(bearer ? { headers: { 'WWW-Authenticate': { description: '`Bearer`' } } } : {}),
    };
  }
  responses[500] ??= { description: 'Unexpected error; the message quotes the request id.', schema: errorSchema };
  const op: JsonObject = {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [...route.tags],
    security: security(route),
    parameters: parameters(route, registry),
  };
  if (route.request) {
    const { schema, contentType = 'application/json', required = true, description } = route.request;
    op.requestBody = {
      required,
      ...(description ? { description } : {}),
      content: { [contentType]: { schema: registry.toOpenApi(schema) } },
    };
  }
  op.responses = Object.fromEntries(
    Object.keys(responses)
      .sort()
      .map((status) => [status, response(responses[Number(status)]!, registry)]),
  );
  return op;
}

/** Builds the document (a fresh object each call). */
export function buildOpenApiDocument(options: OpenApiOptions = {}): JsonObject {
  const registry = new SchemaRegistry();
  const paths: JsonObject = {};
  const tagsSeen: string[] = [];
  for (const route of options.routes ?? ROUTES) {
    const item = (paths[route.path] ??= {}) as JsonObject;
    const method = route.method.toLowerCase();
    if (item[method]) throw new Error(`Two routes are ${route.method} ${route.path}.`);
    item[method] = operation(route, registry);
    for (const tag of route.tags) if (!tagsSeen.includes(tag)) tagsSeen.push(tag);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sibyl',
      version,
      summary: 'Serverless ML model serving on Azure Functions.',
      description:
        'ONNX real-time endpoints (Azure ML style and Open Inference Protocol v2), batch scoring, pipelines and schedules. ' +
        'Errors outside the OIP routes are `{"error": {"code", "message", "details"?}}`.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: options.serverUrl ?? '/' }],
    tags: tagsSeen.map((name) => ({ name, ...(TAGS[name] ? { description: TAGS[name] } : {}) })),
    paths,
    components: {
      schemas: registry.components(),
      securitySchemes: SECURITY_SCHEMES,
      headers: {
        RequestId: {
          description: 'Identifies the request; quote it when reporting a problem.',
          schema: { type: 'string' },
        },
      },
    },
  };
}

let cached: string | undefined;

/** The default document, built once and returned as a fresh copy (callers may mutate it). */
export function openApiDocument(): JsonObject {
  cached ??= JSON.stringify(buildOpenApiDocument());
  return JSON.parse(cached) as JsonObject;
}
