/**
 * The `MonitorRunStarter` the trigger functions use: starts the `monitorRun` orchestration through
 * the Durable client under the run's id; a start refused because that instance exists counts as started.
 *
 * @example await startMonitorRun('iris-drift', durableMonitorStarter(df.getClient(context)));
 */
import type { DurableClient } from 'durable-functions';
import type { MonitorRunStarter } from './monitorRuns';
import { MONITOR_RUN_ORCHESTRATION } from './monitorRunProtocol';
import { startRunOrchestration } from '../workspace/runOrchestrationStart';

export function durableMonitorStarter(client: DurableClient): MonitorRunStarter {
  return (runId) => startRunOrchestration(client, MONITOR_RUN_ORCHESTRATION, runId);
}
