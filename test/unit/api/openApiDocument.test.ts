import { Type } from '@sinclair/typebox';
import Ajv2020 from 'ajv/dist/2020';
import { version } from '../../../package.json';
import { buildOpenApiDocument, openApiDocument } from '../../../shared/api/openApiDocument';
import { OPENAPI_31_SHAPE } from './openApiShape';

// Written by hand from docs/api.md, a route a line: method, path, and the success statuses the contract names.
const API_MD_ROUTES = [
  'POST /api/models/{name}/versions 201',
  'GET /api/models 200',
  'GET /api/models/{name} 200',
  'GET /api/models/{name}/versions 200',
  'GET /api/models/{name}/versions/{version} 200',
  'PATCH /api/models/{name}/versions/{version} 200',
  'DELETE /api/models/{name}/versions/{version} 204 409',
  'PUT /api/models/{name}/aliases/{alias} 200',
  'GET /api/environments 200',
  'PUT /api/environments/{name} 201',
  'PUT /api/endpoints/{name} 200 201',
  'GET /api/endpoints 200',
  'GET /api/endpoints/{name} 200',
  'DELETE /api/endpoints/{name} 204',
  'GET /api/endpoints/{name}/keys 200',
  'POST /api/endpoints/{name}/keys/regenerate 200',
  'POST /api/endpoints/{name}/token 200',
  'PUT /api/endpoints/{name}/deployments/{deployment} 200 201',
  'GET /api/endpoints/{name}/deployments/{deployment} 200',
  'DELETE /api/endpoints/{name}/deployments/{deployment} 204',
  'GET /api/endpoints/{name}/metrics 200',
  'POST /api/endpoints/{name}/score 200 401',
  'GET /api/v2 200',
  'GET /api/v2/health/live 200',
  'GET /api/v2/health/ready 200',
  'GET /api/v2/models/{model} 200',
  'GET /api/v2/models/{model}/versions/{version} 200',
  'GET /api/v2/models/{model}/ready 200',
  'GET /api/v2/models/{model}/versions/{version}/ready 200',
  'POST /api/v2/models/{model}/infer 200',
  'POST /api/v2/models/{model}/versions/{version}/infer 200',
  'PUT /api/datastores/{name} 200',
  'GET /api/datastores/{name} 200',
  'GET /api/datastores 200',
  'POST /api/batch/jobs 202',
  'GET /api/batch/jobs/{id} 200',
  'POST /api/batch/jobs/{id}/cancel 202',
  'PUT /api/pipelines/{name} 200',
  'POST /api/pipelines/{name}/publish 201',
  'POST /api/pipelines/{name}/versions/{version}/runs 202',
  'PUT /api/schedules/{name} 200 201',
  'GET /api/schedules/{name} 200',
  'DELETE /api/schedules/{name} 204',
  'GET /api/schedules 200',
  'GET /api/runs 200',
  'GET /api/runs/{id} 200',
  'GET /api/runs/{id}/logs 200',
  'GET /api/experiments 200',
  'GET /api/openapi.json 200',
  'GET / 200',
].map((route) => {
  const [method = '', path = '', ...statuses] = route.split(' ');
  return [method, path, statuses] as const;
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test walks an untyped JSON document
type Json = Record<string, any>;
const doc: Json = buildOpenApiDocument();
const operations = Object.entries(doc.paths as Json).flatMap(([path, item]) =>
  Object.entries(item as Json).map(([method, op]) => ({ path, method: method.toUpperCase(), op: op as Json })),
);

function resolvePointer(root: Json, ref: string): unknown {
  return ref
    .slice(2)
    .split('/')
    .reduce<unknown>((node, raw) => (node as Json | undefined)?.[raw.replace(/~1/g, '/').replace(/~0/g, '~')], root);
}

function collectRefs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((item) => collectRefs(item, out));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.push(value);
      else if (key !== 'examples') collectRefs(value, out);
    }
  }
  return out;
}

describe('the OpenAPI document', () => {
  it('has the structure of an OpenAPI 3.1 document', () => {
    const validate = new Ajv2020({
      allErrors: true,
      strict: true,
      strictRequired: false,
      allowUnionTypes: true,
    }).compile(OPENAPI_31_SHAPE);
    const valid = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toBe(version);
  });

  it('describes every route of docs/api.md with its documented statuses', () => {
    const missing = API_MD_ROUTES.filter(([method, path]) => !doc.paths[path]?.[method.toLowerCase()]).map(
      ([m, p]) => `${m} ${p}`,
    );
    expect(missing).toEqual([]);
    for (const [method, path, statuses] of API_MD_ROUTES) {
      const responses = Object.keys(doc.paths[path][method.toLowerCase()].responses);
      for (const status of statuses)
        expect(`${method} ${path} ${responses.includes(status) ? status : `lacks ${status}`}`).toBe(
          `${method} ${path} ${status}`,
        );
    }
    // docs/api.md lets Sibyl add routes; every listed one must be there (checked above).
    expect(operations.length).toBeGreaterThanOrEqual(API_MD_ROUTES.length);
  });

  it('documents 400 only where the route takes input it can refuse (path parameters, a query or a body)', () => {
    const refusing = operations.filter(({ op }) => op.responses['400']);
    const withoutInput = refusing
      .filter(
        ({ op }) => !op.requestBody && !(op.parameters as Json[]).some((p) => p.in === 'path' || p.in === 'query'),
      )
      .map(({ method, path }) => `${method} ${path}`);
    expect(withoutInput).toEqual([]);
    for (const path of ['/api/datastores', '/api/pipelines', '/api/schedules', '/api/experiments', '/api/monitors'])
      expect(`${path} ${Object.keys(doc.paths[path].get.responses).join(',')}`).toBe(`${path} 200,401,500`);
  });

  it('documents If-Match with its 412, and the ETag on the write and on the GET of the same resource', () => {
    const takesIfMatch = ({ op }: { op: Json }) =>
      (op.parameters as Json[]).some((p) => p.in === 'header' && String(p.name).toLowerCase() === 'if-match');
    const conditional = operations.filter(takesIfMatch);
    expect(conditional.map(({ op }) => op.operationId as string).sort()).toEqual([
      'createOrUpdateDeployment',
      'createOrUpdateEndpoint',
      'createOrUpdatePipeline',
      'createOrUpdateSchedule',
      'setModelAlias',
      'updateModelVersion',
      'updatePipelineVersion',
    ]);
    // A 412 is documented exactly where a stale If-Match can cause it.
    expect(operations.filter(({ op }) => op.responses['412']).map(({ op }) => op.operationId as string)).toEqual(
      conditional.map(({ op }) => op.operationId as string),
    );
    const etagOn = (op: Json) =>
      Object.entries(op.responses as Json)
        .filter(([status]) => status.startsWith('2'))
        .map(([status, answer]) => `${op.operationId} ${status} ${(answer as Json).headers.ETag ? 'ETag' : 'no ETag'}`);
    for (const { path, op } of conditional) {
      // An alias lives in its model: the model's GET answers the ETag that the alias PUT takes.
      const read = doc.paths[path.replace(/\/aliases\/\{alias\}$/, '')].get as Json | undefined;
      expect(`${op.operationId}: GET ${read ? read.operationId : 'missing'}`).toBe(
        `${op.operationId}: GET ${String(read?.operationId)}`,
      );
      for (const line of [...etagOn(op), ...etagOn(read!)]) expect(line).toMatch(/ ETag$/);
    }
  });

  it('has unique operationIds', () => {
    const ids = operations.map((o) => o.op.operationId as string);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('resolves every $ref', () => {
    const refs = collectRefs(doc);
    expect(refs.length).toBeGreaterThan(50);
    const broken = refs.filter((ref) => !ref.startsWith('#/') || resolvePointer(doc, ref) === undefined);
    expect(broken).toEqual([]);
  });

  it('declares every path placeholder as a required path parameter, and no others', () => {
    for (const { path, op } of operations) {
      const placeholders = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const declared = (op.parameters as Json[]).filter((p) => p.in === 'path').map((p) => p.name as string);
      expect(`${path}: ${declared.join(',')}`).toBe(`${path}: ${placeholders.join(',')}`);
    }
  });

  it('secures routes as docs/api.md says: function keys on the control plane, Bearer on scoring, health open', () => {
    const schemes = (path: string, method: string) =>
      (doc.paths[path][method].security as Json[]).flatMap((s) => Object.keys(s)).sort();
    expect(schemes('/api/models', 'get')).toEqual(['functionKey', 'functionKeyQuery']);
    expect(schemes('/api/batch/jobs', 'post')).toEqual(['functionKey', 'functionKeyQuery']);
    expect(schemes('/api/endpoints/{name}/score', 'post')).toEqual(['endpointBearer']);
    expect(schemes('/api/v2/models/{model}/infer', 'post')).toEqual(['endpointBearer']);
    expect(schemes('/api/endpoints/{name}/token', 'post')).toEqual([
      'endpointBearer',
      'functionKey',
      'functionKeyQuery',
    ]);
    expect(schemes('/api/v2/health/live', 'get')).toEqual([]);
    expect(doc.components.securitySchemes.functionKey).toEqual(
      expect.objectContaining({ type: 'apiKey', in: 'header', name: 'x-functions-key' }),
    );
    expect(doc.components.securitySchemes.functionKeyQuery).toEqual(
      expect.objectContaining({ type: 'apiKey', in: 'query', name: 'code' }),
    );
    expect(doc.components.securitySchemes.endpointBearer).toEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    );
  });

  it("uses the protocol error body on OIP routes and Sibyl's elsewhere", () => {
    const errorRef = (path: string, method: string, status: string) =>
      String(doc.paths[path][method].responses[status].content['application/json'].schema.$ref);
    expect(errorRef('/api/v2/models/{model}/infer', 'post', '400')).toBe('#/components/schemas/OipError');
    expect(errorRef('/api/endpoints/{name}/score', 'post', '400')).toBe('#/components/schemas/ErrorBody');
    expect(errorRef('/api/models', 'get', '401')).toBe('#/components/schemas/ErrorBody');
  });

  it('has component schemas that are valid JSON Schema 2020-12 and accept their own examples', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addFormat('date-time', true).addFormat('uri', true);
    ajv.addSchema({ $id: 'https://sibyl.local/openapi.json', components: doc.components });
    const failures: string[] = [];
    for (const [name, schema] of Object.entries(doc.components.schemas as Json)) {
      const validate = ajv.compile({ $ref: `https://sibyl.local/openapi.json#/components/schemas/${name}` });
      for (const example of (schema as Json).examples ?? []) {
        if (!validate(example)) failures.push(`${name}: ${ajv.errorsText(validate.errors)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('is deterministic, and openApiDocument() hands out copies', () => {
    expect(JSON.stringify(buildOpenApiDocument())).toBe(JSON.stringify(doc));
    const a = openApiDocument();
    (a.info as Json).title = 'changed';
    expect((openApiDocument().info as Json).title).toBe('Sibyl');
    expect(Object.keys(doc.components.schemas)).toEqual(Object.keys(doc.components.schemas).sort());
  });

  it('takes a server URL', () => {
    expect(buildOpenApiDocument({ serverUrl: 'https://sibyl.azurewebsites.net' }).servers).toEqual([
      { url: 'https://sibyl.azurewebsites.net' },
    ]);
  });
});

describe('the structural check and the generator catch mistakes', () => {
  it('the shape schema refuses a response without a description', () => {
    const broken = JSON.parse(JSON.stringify(doc)) as Json;
    delete broken.paths['/api/models'].get.responses['200'].description;
    const validate = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true }).compile(
      OPENAPI_31_SHAPE,
    );
    expect(validate(broken)).toBe(false);
  });

  it('refuses two different schemas with one title, and a path placeholder without a schema', () => {
    const route = (operationId: string, path: string, schema: unknown) => ({
      operationId,
      method: 'GET' as const,
      path,
      summary: 's',
      tags: ['t'],
      security: [],
      responses: { 200: { description: 'ok', schema: schema as never } },
    });
    const a = Type.Object({ x: Type.String() }, { title: 'Same' });
    const b = Type.Object({ y: Type.String() }, { title: 'Same' });
    expect(() => buildOpenApiDocument({ routes: [route('a', '/a', a), route('b', '/b', b)] })).toThrow(
      "Two different schemas are titled 'Same'",
    );
    expect(() => buildOpenApiDocument({ routes: [route('c', '/c/{id}', a)] })).toThrow(
      "path parameter 'id' has no schema",
    );
  });
});
