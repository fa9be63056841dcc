/**
 * The `RunStarter` the trigger functions use: starts the `pipelineRun` orchestration through the
 * Durable client under the run's id. A start refused because the instance already exists (a retried
 * start of the same run) counts as started.
 *
 * @example const start = durableRunStarter(df.getClient(context)); await start('pipeline-1');
 */
import type { DurableClient } from 'durable-functions';
import type { RunStarter } from './pipelineRuns';
import { PIPELINE_RUN_ORCHESTRATION } from './pipelineRunProtocol';
import { startRunOrchestration } from '../workspace/runOrchestrationStart';

export function durableRunStarter(client: DurableClient): RunStarter {
  return (runId) => startRunOrchestration(client, PIPELINE_RUN_ORCHESTRATION, runId);
}
