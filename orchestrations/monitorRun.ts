/**
 * Orchestration `monitorRun` (instance id = the run id): plans the run, fans out one activity per
 * baseline file and hour folder of collected data (each streams its files into sketches written to a
 * blob), then fans in to compute and store the result. Deterministic: activities do all I/O and pass
 * paths and counts. A part that fails after its retries fails the run with the reason.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext, Task } from 'durable-functions';
import {
  MONITOR_RUN_ORCHESTRATION,
  type MonitorPlan,
  type MonitorRunInput,
} from '../shared/monitoring/monitorRunProtocol';
import { finishMonitorRun } from './finishMonitorRun';
import { planMonitorRun } from './planMonitorRun';
import { sketchMonitorPart } from './sketchMonitorPart';

const retry = new df.RetryOptions(2000, 3);

export const monitorRun = df.app.orchestration(
  MONITOR_RUN_ORCHESTRATION,
  function* (context: OrchestrationContext): Generator<Task, unknown, unknown> {
    const { runId } = context.df.getInput<MonitorRunInput>();
    let plan: MonitorPlan;
    try {
      plan = (yield planMonitorRun({ runId }).withRetry(retry)) as MonitorPlan;
    } catch (error) {
      const failure = `Planning failed: ${error instanceof Error ? error.message : String(error)}`;
      return { status: yield finishMonitorRun({ runId, parts: [], failure }).withRetry(retry) };
    }
    if (plan.stop) return { status: 'Canceled' };
    let failure: string | undefined;
    try {
      yield context.df.Task.all(plan.parts.map((part) => sketchMonitorPart({ runId, part }).withRetry(retry)));
    } catch (error) {
      failure = `Reading the data failed: ${error instanceof Error ? error.message : String(error)}`;
    }
    return {
      status: yield finishMonitorRun({ runId, parts: plan.parts, ...(failure ? { failure } : {}) }).withRetry(retry),
    };
  },
);
