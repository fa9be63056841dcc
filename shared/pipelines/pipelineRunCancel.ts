/**
 * Canceling a run from `POST api/runs/{id}/cancel`: a batch job as `cancelBatchJob` does; a pipeline
 * run by marking it Canceled, terminating its orchestration, canceling the batch job of the step in
 * flight (a sub-orchestration the parent's termination does not reach) and marking every step that
 * had not ended Canceled. Status only moves forward, so an activity finishing after this cannot
 * bring the run back.
 */
import { cancelBatchJob } from '../batch/batchJobs';
import { SibylError } from '../errors';
import { appendRunLog } from '../workspace/runLogs';
import { isTerminalStatus, type RunDoc } from '../workspace/runDocuments';
import { createRun, findRun, moveRun, readRun } from '../workspace/runStore';
import { stepsOf } from './stepContext';

export type Terminate = (instanceId: string, reason: string) => Promise<void>;

const REASON = 'Canceled by request';

async function cancelStep(
  parent: RunDoc,
  step: { name: string; kind: string; runId: string },
  terminate: Terminate,
  now: string,
): Promise<void> {
  const existing = await findRun(step.runId);
  if (existing && isTerminalStatus(existing.status)) return;
  if (existing && (existing.kind === 'batch-score' || existing.kind === 'batch')) {
    await cancelBatchJob(existing.id, terminate).catch(() => undefined);
    return;
  }
  const error = { code: 'Canceled', message: `Not finished: pipeline run '${parent.id}' was canceled.` };
  if (existing) await moveRun(existing.id, 'Canceled', { endedAt: now, error });
  else
    await createRun({
      id: step.runId,
      kind: step.kind,
      status: 'Canceled',
      parentRunId: parent.id,
      ...(parent.experiment ? { experiment: parent.experiment } : {}),
      endedAt: now,
      error,
      details: { step: step.name },
    }).catch(() => undefined);
}

async function cancelPipelineRun(run: RunDoc, terminate: Terminate): Promise<RunDoc> {
  const now = new Date().toISOString();
  const moved =
    run.status === 'Canceled'
      ? run
      : await moveRun(run.id, 'Canceled', { endedAt: now, error: { code: 'Canceled', message: REASON } });
  if (moved.status !== 'Canceled')
    throw new SibylError(
      'Conflict',
      `Pipeline run '${run.id}' already ended (${moved.status}); only a queued or running run can be canceled.`,
    );
  await terminate(run.id, REASON).catch(() => undefined);
  for (const step of stepsOf(moved)) await cancelStep(moved, step, terminate, now);
  await appendRunLog(run.id, [
    {
      key: 'canceled',
      level: 'warning',
      message: 'canceled by request: the step in flight was stopped and no further step runs',
    },
  ]);
  return readRun(run.id);
}

/** Cancels a queued or running batch job or pipeline run; 409 for one that already ended or a step run. */
export async function cancelRun(id: string, terminate: Terminate): Promise<RunDoc> {
  const run = await readRun(id);
  if (run.kind === 'pipeline') return cancelPipelineRun(run, terminate);
  if (run.kind === 'batch' || (run.kind === 'batch-score' && !run.parentRunId)) {
    await cancelBatchJob(id, terminate);
    return readRun(id);
  }
  const parent = run.parentRunId ? ` Cancel its pipeline run '${run.parentRunId}' instead.` : '';
  throw new SibylError('Conflict', `Run '${id}' is a '${run.kind}' step and cannot be canceled on its own.${parent}`);
}
