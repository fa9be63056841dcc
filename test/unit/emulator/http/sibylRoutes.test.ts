/**
 * Sibyl's own route table under the host's routing rules (WebJobsRouteBuilder.RouteComparison, the
 * empty-route rule, the homepage): every route is reached by its own paths, `/` by the dashboard, and
 * the `api/{*rest}` catch-all only by what no route serves.
 */
import { routeOf } from '../../../../emulator/functionCatalog';
import { compileRoute, comparePrecedence } from '../../../../emulator/http/routeTemplate';
import { Router } from '../../../../emulator/http/router';
import { methodsAt } from '../../../../functions/apiNotFound';
import { ROUTES, functionRoute } from '../../../../shared/api/routes';
import { httpFunction } from './httpFunctionFixture';

const fn = (name: string, route: string, methods: string[]) => httpFunction(name, routeOf(route, name), methods);

const CATCH_ALL = fn('apiNotFound', 'api/{*rest}', ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
// The catch-all first: a tie would then go its way, so a passing test cannot lean on registration order.
const functions = [CATCH_ALL, ...ROUTES.map((r) => fn(r.operationId, functionRoute(r), [r.method]))];
const router = new Router(functions, '');

/** A concrete path for an OpenAPI path template. */
const sample = (path: string) =>
  path.replace(/\{(\w+)\}/g, (_m, name: string) => (name === 'version' ? '3' : `x-${name}`));

describe("Sibyl's routes under the host's rules", () => {
  it.each(ROUTES.map((r) => [r.operationId, r] as const))('%s is reached by its own path', (id, route) => {
    expect(router.lookup(route.method, sample(route.path)).match?.fn.name).toBe(id);
  });

  it('serves the dashboard at / and never at an empty route', () => {
    expect(functionRoute(ROUTES.find((r) => r.operationId === 'dashboard')!)).not.toBe('');
    expect(router.lookup('GET', '/').match?.fn.name).toBe('dashboard');
  });

  it('sends what no route serves under api/ to the catch-all, with the methods the path accepts', () => {
    expect(router.lookup('GET', '/api/nope').match?.fn.name).toBe('apiNotFound');
    expect(router.lookup('GET', '/api').match?.fn.name).toBe('apiNotFound');
    expect(router.lookup('PUT', '/api/models').match?.fn.name).toBe('apiNotFound');
    expect(methodsAt('/api/models')).toEqual(['GET']);
    expect(methodsAt('/api/nope')).toEqual([]);
  });

  // Azure sorts more than 16 routes with an unstable sort: two routes that tie and can serve the same
  // request would be picked in an undefined order there.
  it('has no two routes that tie under the host ordering and share a method', () => {
    const compiled = functions.map((f) => ({ f, route: compileRoute(f.route) }));
    const ties = compiled.flatMap((a, i) =>
      compiled
        .slice(i + 1)
        .filter(
          (b) =>
            comparePrecedence(a.route, b.route) === 0 &&
            a.f.route !== b.f.route &&
            a.f.methods.some((m) => b.f.methods.includes(m)),
        )
        .map((b) => `${a.f.route} ~ ${b.f.route}`),
    );
    expect(ties).toEqual([]);
  });
});
