/**
 * Registers a handler for a route of the API's route table (`shared/api/routes.ts`), so the route,
 * method and auth level served are exactly what `openapi.json` documents.
 *
 * @example registerRoute('getModel', async (request) => ({ jsonBody: await getModel(request.params.name) }));
 */
import { app, type HttpFunctionOptions } from '@azure/functions';
import * as df from 'durable-functions';
import { authLevelOf, functionRoute, routeById, type OperationId } from '../../shared/api/routes';
import { httpHandler, type SibylHttpHandler } from './httpHandler';

export function registerRoute(operationId: OperationId, handler: SibylHttpHandler): void {
  serve(operationId, handler, {});
}

/** `registerRoute` for handlers that start or stop orchestrations: they get the Durable client binding (`df.getClient(context)`). */
export function registerDurableRoute(operationId: OperationId, handler: SibylHttpHandler): void {
  serve(operationId, handler, { extraInputs: [df.input.durableClient()] });
}

function serve(
  operationId: OperationId,
  handler: SibylHttpHandler,
  bindings: Pick<HttpFunctionOptions, 'extraInputs'>,
) {
  const route = routeById(operationId);
  app.http(operationId, {
    route: functionRoute(route),
    methods: [route.method],
    authLevel: authLevelOf(route),
    ...bindings,
    handler: httpHandler(handler, { errorStyle: route.path.startsWith('/api/v2/models') ? 'oip' : 'sibyl' }),
  });
}
