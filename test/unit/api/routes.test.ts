import type { TSchema } from '@sinclair/typebox';
import { ROUTES, authLevelOf, functionRoute, routeById } from '../../../shared/api/routes';
import { validatorFor } from '../../../shared/api/validate';

describe('the route table', () => {
  it('finds routes by operationId and refuses unknown ids', () => {
    expect(routeById('getEndpoint')).toEqual(expect.objectContaining({ method: 'GET', path: '/api/endpoints/{name}' }));
    // Operation ids are typed from the table: a typo does not compile, and still throws if forced through.
    // @ts-expect-error 'getEndpont' is not an operation id of the route table
    expect(() => routeById('getEndpont')).toThrow("No route has operationId 'getEndpont'");
  });

  it('gives the Functions route template and auth level', () => {
    expect(functionRoute(routeById('listModelVersions'))).toBe('api/models/{name}/versions');
    expect(authLevelOf(routeById('listModels'))).toBe('function');
    // Data-plane credentials are checked by Sibyl itself, so the host lets those requests through.
    expect(authLevelOf(routeById('scoreEndpoint'))).toBe('anonymous');
    expect(authLevelOf(routeById('getEndpointToken'))).toBe('anonymous');
    expect(authLevelOf(routeById('healthLive'))).toBe('anonymous');
  });

  it('keeps the function names the health routes are already registered under', () => {
    expect(routeById('healthLive').path).toBe('/api/v2/health/live');
    expect(routeById('healthReady').path).toBe('/api/v2/health/ready');
  });

  it.each(ROUTES.map((r) => [r.operationId, r] as const))('%s: params match the path placeholders', (_id, route) => {
    const placeholders = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    expect(Object.keys(route.params?.properties ?? {}).sort()).toEqual(placeholders);
  });

  it('refuses unknown fields in every validated request body, so typos are caught', () => {
    const open = ROUTES.filter(
      (r) =>
        r.request?.validatedBy === 'schema' &&
        (r.request.schema as { additionalProperties?: unknown }).additionalProperties !== false,
    );
    expect(open.map((r) => r.operationId)).toEqual([]);
  });

  it('compiles every request, query and path schema', () => {
    const schemas = ROUTES.flatMap((r) => [
      r.request?.validatedBy === 'schema' ? r.request.schema : undefined,
      r.query,
      r.params,
    ]).filter((s): s is TSchema => s !== undefined);
    for (const schema of schemas) expect(typeof validatorFor(schema)).toBe('function');
  });

  it('documents a success answer for every route', () => {
    for (const route of ROUTES) expect(Object.keys(route.responses).some((status) => Number(status) < 300)).toBe(true);
  });
});
