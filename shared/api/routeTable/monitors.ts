/** Routes of model monitors (model monitoring). */
import { errors, type RouteSpec } from '../routeSpec';
import { Monitor, MonitorList, MonitorParams, MonitorSpec, Run } from '../schemas';

const key = ['functionKey'] as const;

/** Keeps the literal operation id, so the table types `OperationId` (routes.ts). */
function route<const Id extends string>(
  spec: Omit<RouteSpec, 'security' | 'tags'> & { operationId: Id },
): RouteSpec & { operationId: Id } {
  return { ...spec, tags: ['monitors'], security: key, responses: { ...errors('sibyl', 400), ...spec.responses } };
}

export const MONITOR_ROUTES = [
  route({
    operationId: 'createOrUpdateMonitor',
    method: 'PUT',
    path: '/api/monitors/{name}',
    summary: 'Create or replace a model monitor',
    params: MonitorParams,
    request: { schema: MonitorSpec, validatedBy: 'schema' },
    responses: {
      200: { description: 'Replaced.', schema: Monitor },
      201: { description: 'Created.', schema: Monitor },
      ...errors('sibyl', 404),
    },
  }),
  route({
    operationId: 'listMonitors',
    method: 'GET',
    path: '/api/monitors',
    summary: 'List monitors with their latest results',
    responses: { 200: { description: 'Every monitor.', schema: MonitorList } },
  }),
  route({
    operationId: 'getMonitor',
    method: 'GET',
    path: '/api/monitors/{name}',
    summary: 'Get a monitor, its `lastResult` and history',
    params: MonitorParams,
    responses: { 200: { description: 'The monitor.', schema: Monitor }, ...errors('sibyl', 404) },
  }),
  route({
    operationId: 'deleteMonitor',
    method: 'DELETE',
    path: '/api/monitors/{name}',
    summary: 'Delete a monitor (its runs stay)',
    params: MonitorParams,
    responses: { 204: { description: 'Deleted.' }, ...errors('sibyl', 404) },
  }),
  route({
    operationId: 'runMonitor',
    method: 'POST',
    path: '/api/monitors/{name}/runs',
    summary: 'Run a monitor now over its window ending now',
    params: MonitorParams,
    responses: {
      202: {
        description: 'The run (`kind: "monitor"`), queued.',
        schema: Run,
        headers: { Location: { description: 'The run (`api/runs/{id}`).' } },
      },
      ...errors('sibyl', 404),
    },
  }),
] as const satisfies readonly RouteSpec[];
