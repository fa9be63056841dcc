/**
 * Every route of the HTTP API (see `docs/api.md`), in one table: the OpenAPI document is built from
 * it and each function registers its handler against its `operationId`.
 *
 * @example
 *   const route = routeById('getEndpoint');
 *   app.http(route.operationId, { route: functionRoute(route), methods: [route.method], authLevel: authLevelOf(route), handler });
 */
import type { RouteSpec } from './routeSpec';
import { ENDPOINT_ROUTES } from './routeTable/endpoints';
import { JOB_ROUTES } from './routeTable/jobs';
import { MODEL_ROUTES } from './routeTable/models';
import { MONITOR_ROUTES } from './routeTable/monitors';
import { SCORING_ROUTES } from './routeTable/scoring';
import { SERVICE_ROUTES } from './routeTable/service';

export {
  authLevelOf,
  errors,
  functionRoute,
  type HttpMethod,
  type RequestSpec,
  type ResponseSpec,
  type RouteSpec,
  type SecurityKind,
} from './routeSpec';

const TABLE = [
  ...MODEL_ROUTES,
  ...ENDPOINT_ROUTES,
  ...SCORING_ROUTES,
  ...JOB_ROUTES,
  ...MONITOR_ROUTES,
  ...SERVICE_ROUTES,
] as const;

/** The id of a route of the table: `registerRoute` takes only these, so a typo or a removed route fails to compile. */
export type OperationId = (typeof TABLE)[number]['operationId'];

export const ROUTES: readonly RouteSpec[] = Object.freeze(TABLE);

const byId = new Map(ROUTES.map((route) => [route.operationId, route]));

/** The route with this `operationId`; throws for an unknown id (a programming error, caught by tests). */
export function routeById(operationId: OperationId): RouteSpec {
  const route = byId.get(operationId);
  if (!route) throw new Error(`No route has operationId '${operationId}'.`);
  return route;
}
