/** Monitor routes: `PUT/GET/DELETE api/monitors/{name}`, `GET api/monitors`, `POST api/monitors/{name}/runs` (control plane). */
import * as df from 'durable-functions';
import { parseParams } from '../shared/api/validate';
import { MonitorParams, MonitorSpec } from '../shared/api/schemas';
import { durableMonitorStarter } from '../shared/monitoring/durableMonitorStarter';
import { startMonitorRun } from '../shared/monitoring/monitorRuns';
import { deleteMonitor, getMonitor, listMonitors, putMonitor } from '../shared/monitoring/monitorStore';
import { toRun } from '../shared/workspace/runDocuments';
import { registerDurableRoute, registerRoute } from './http/registerRoute';
import { originOf, readBody } from './http/requestBody';

registerRoute('createOrUpdateMonitor', async (request) => {
  const { name } = parseParams(MonitorParams, request.params);
  const spec = await readBody(request, MonitorSpec, 'monitor');
  const { monitor, created } = await putMonitor(name, spec);
  return { status: created ? 201 : 200, jsonBody: monitor };
});

registerRoute('getMonitor', async (request) => {
  const { name } = parseParams(MonitorParams, request.params);
  return { jsonBody: await getMonitor(name) };
});

registerRoute('listMonitors', async () => ({ jsonBody: { value: await listMonitors() } }));

registerRoute('deleteMonitor', async (request) => {
  const { name } = parseParams(MonitorParams, request.params);
  await deleteMonitor(name);
  return { status: 204 };
});

registerDurableRoute('runMonitor', async (request, context, call) => {
  const { name } = parseParams(MonitorParams, request.params);
  const run = await startMonitorRun(name, durableMonitorStarter(df.getClient(context)));
  call.log.run = run.id;
  return {
    status: 202,
    jsonBody: toRun(run),
    headers: { location: `${originOf(request)}/api/runs/${encodeURIComponent(run.id)}` },
  };
});
