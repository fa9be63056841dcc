/** Activity `finishMonitorRun`: merges the parts, computes the drift of each feature and stores the result. */
import * as df from 'durable-functions';
import type { FinishMonitorInput } from '../shared/monitoring/monitorRunProtocol';
import { finishMonitorRun as finish } from '../shared/monitoring/monitorRunSteps';

export const finishMonitorRun = df.app.activity('finishMonitorRun', {
  handler: (input: FinishMonitorInput) => finish(input),
});
