/**
 * Registers a handler for a route of the API's route table (`shared/api/routes.ts`), so the route,
 * method and auth level served are exactly what `openapi.json` documents.
 *
 * @example registerRoute('getModel', async (request) => ({ jsonBody: await getModel(request.params.name) }));
 */
import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { authLevelOf, functionRoute, routeById, type OperationId } from '../../shared/api/routes';
import { httpHandler, type SibylHttpHandler } from './httpHandler';

export function registerRoute(operationId: OperationId, handler: SibylHttpHandler): void {
  const route = routeById(operationId);
  app.http(operationId, {
    route: functionRoute(route),
    methods: [route.method],
    authLevel: authLevelOf(route),
    handler: httpHandler(handler, { errorStyle: route.path.startsWith('/api/v2/models') ? 'oip' : 'sibyl' }),
  });
}

/** `registerRoute` for handlers that start or stop orchestrations: they get the Durable client binding (`df.getClient(context)`). */
export function registerDurableRoute(operationId: OperationId, handler: SibylHttpHandler): void {
  const route = routeById(operationId);
  app.http(operationId, {
    route: functionRoute(route),
    methods: [route.method],
    authLevel: authLevelOf(route),
    extraInputs: [df.input.durableClient()],
    handler: httpHandler(handler),
  });
}
