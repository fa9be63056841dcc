/** Activity `planMonitorRun`: marks a monitor run Running and lists the parts to stream. */
import * as df from 'durable-functions';
import type { MonitorRunInput } from '../shared/monitoring/monitorRunProtocol';
import { planMonitorRun as plan } from '../shared/monitoring/monitorRunSteps';

export const planMonitorRun = df.app.activity('planMonitorRun', {
  handler: (input: MonitorRunInput) => plan(input.runId),
});
