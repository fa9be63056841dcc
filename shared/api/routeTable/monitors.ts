/** Routes of model monitors (model monitoring). */
import type { RouteSpec } from '../routeSpec';
import { controlRoute, deleted, jsonBody, upserted } from './controlPlane';
import { Monitor, MonitorList, MonitorParams, MonitorSpec, Run } from '../schemas';

export const MONITOR_ROUTES = [
  controlRoute('monitors', {
    operationId: 'createOrUpdateMonitor',
    method: 'PUT',
    path: '/api/monitors/{name}',
    summary: 'Create or replace a model monitor',
    params: MonitorParams,
    request: jsonBody(MonitorSpec),
    responses: upserted(Monitor, 'Replaced.', 'Created.'),
    errors: [404],
  }),
  controlRoute('monitors', {
    operationId: 'listMonitors',
    method: 'GET',
    path: '/api/monitors',
    summary: 'List monitors with their latest results',
    responses: { 200: { description: 'Every monitor.', schema: MonitorList } },
  }),
  controlRoute('monitors', {
    operationId: 'getMonitor',
    method: 'GET',
    path: '/api/monitors/{name}',
    summary: 'Get a monitor, its `lastResult` and history',
    params: MonitorParams,
    responses: { 200: { description: 'The monitor.', schema: Monitor } },
    errors: [404],
  }),
  controlRoute('monitors', {
    operationId: 'deleteMonitor',
    method: 'DELETE',
    path: '/api/monitors/{name}',
    summary: 'Delete a monitor (its runs stay)',
    params: MonitorParams,
    responses: deleted,
    errors: [404],
  }),
  controlRoute('monitors', {
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
    },
    errors: [404],
  }),
] as const satisfies readonly RouteSpec[];
