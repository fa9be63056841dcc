/**
 * The start and end of a pipeline run, as its orchestration's first and last activities: `Running`
 * with the plan of steps; then `Completed`, or `Failed` naming the failed step, with every step that
 * did not run marked `Canceled`, the steps' outputs and summed metrics.
 *
 * @example
 *   const plan = await beginPipelineRun(runId);            // { steps: [{ name, kind, runId }] }
 *   await finishPipelineRun({ runId, outputs, failed });   // → 'Completed' | 'Failed' | 'Canceled'
 */
import { appendRunLog } from '../workspace/runLogs';
import { isTerminalStatus, type RunDoc, type RunStatus } from '../workspace/runDocuments';
import { createRun, findRun, moveRun, readRun } from '../workspace/runStore';
import type { FinishInput, RunPlan } from './pipelineRunProtocol';
import { stepsOf } from './stepContext';

/** Marks the run Running and returns its steps; `stop` when it already ended (canceled before it began). */
export async function beginPipelineRun(runId: string): Promise<RunPlan> {
  const run = await readRun(runId);
  if (isTerminalStatus(run.status)) return { steps: stepsOf(run), stop: true };
  const now = new Date().toISOString();
  await moveRun(runId, 'Running', { startedAt: run.startedAt ?? now });
  const values = Object.entries(run.parameters)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
  await appendRunLog(runId, [
    {
      key: 'started',
      message:
        `started ${run.pipeline ?? 'pipeline'}${values ? ` with ${values}` : ''}` +
        `${run.schedule ? ` (schedule ${run.schedule})` : ''}`,
    },
  ]);
  return { steps: stepsOf(run) };
}

/** Sums what the step runs measured (rows scored and failed, files transferred). */
function sumMetrics(children: (RunDoc | undefined)[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const child of children) {
    for (const name of ['rowsScored', 'rowsFailed', 'files'] as const) {
      const value = child?.metrics[name];
      if (typeof value === 'number') total[name] = (total[name] ?? 0) + value;
    }
  }
  return total;
}

/** Marks a step that never ran as Canceled (creating its run if the step never got that far). */
async function cancelStep(stepRunId: string, parent: RunDoc, reason: string): Promise<void> {
  const now = new Date().toISOString();
  const error = { code: 'StepSkipped', message: reason };
  const existing = await findRun(stepRunId);
  if (existing) {
    if (!isTerminalStatus(existing.status)) await moveRun(stepRunId, 'Canceled', { endedAt: now, error });
    return;
  }
  const step = stepsOf(parent).find((s) => s.runId === stepRunId);
  await createRun({
    id: stepRunId,
    kind: step?.kind ?? 'step',
    status: 'Canceled',
    parentRunId: parent.id,
    ...(parent.experiment ? { experiment: parent.experiment } : {}),
    endedAt: now,
    error,
    details: { step: step?.name },
  }).catch(() => undefined);
}

/** Ends the run: `Failed` when a step failed (later steps Canceled), else `Completed`. Returns the stored status. */
export async function finishPipelineRun(input: FinishInput): Promise<RunStatus> {
  const run = await readRun(input.runId);
  const steps = stepsOf(run);
  const now = new Date().toISOString();
  if (input.failed) {
    const at = steps.findIndex((s) => s.name === input.failed!.step);
    const reason = `Not run: step '${input.failed.step}' failed before it.`;
    await Promise.all(steps.slice(at + 1).map((s) => cancelStep(s.runId, run, reason)));
  }
  const children = await Promise.all(steps.map((s) => findRun(s.runId)));
  const error = input.failed
    ? { code: 'StepFailed', message: `Step '${input.failed.step}' failed: ${input.failed.error.message}` }
    : undefined;
  const saved = await moveRun(input.runId, error ? 'Failed' : 'Completed', {
    endedAt: now,
    outputs: input.outputs,
    metrics: sumMetrics(children),
    ...(error ? { error } : {}),
  });
  await appendRunLog(input.runId, [
    {
      key: 'finished',
      level: error ? 'error' : 'info',
      message: error ? error.message : `completed ${steps.length} step${steps.length === 1 ? '' : 's'}`,
    },
  ]);
  return saved.status;
}
