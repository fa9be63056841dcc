/**
 * A `batch-score` step, in two activities around the `batchScoring` sub-orchestration:
 * `prepareBatchStep` resolves the job and submits it through the batch service (validation, run
 * document of kind `batch-score` under the step's run id, saved job context) without starting it, and
 * hands the orchestration input back; `finishBatchStep` reads the finished job and gives the step's
 * outputs. A job that cannot be submitted is recorded as a Failed step run.
 *
 * @example
 *   const start = await prepareBatchStep({ runId, index: 0, outputs: {} });
 *   if (start.ok) yield context.df.callSubOrchestrator('batchScoring', start.input, start.jobId);
 */
import { submitBatchJob } from '../batch/batchJobs';
import { batchScoringInput, type BatchScoringInput } from '../batch/batchTally';
import { jobSettings } from '../batch/jobSettings';
import type { BatchJobSpec } from '../api/schemas';
import { SibylError } from '../errors';
import { isTerminalStatus, type RunDoc } from '../workspace/runDocuments';
import { createRun, findRun, moveRun, readRun } from '../workspace/runStore';
import { toErrorInfo, type BatchStepStart, type StepInput, type StepResult } from './pipelineRunProtocol';
import { loadStepContext, stepsOf } from './stepContext';

/** The orchestration input of a job already submitted (this activity ran before and was retried). */
function inputOf(jobId: string, spec: BatchJobSpec): BatchScoringInput {
  return batchScoringInput(jobId, jobSettings(spec));
}

async function recordFailure(jobId: string, parent: RunDoc, error: ReturnType<typeof toErrorInfo>): Promise<void> {
  const endedAt = new Date().toISOString();
  const existing = await findRun(jobId);
  if (existing) await moveRun(jobId, 'Failed', { endedAt, error });
  else
    await createRun({
      id: jobId,
      kind: 'batch-score',
      status: 'Failed',
      parentRunId: parent.id,
      ...(parent.experiment ? { experiment: parent.experiment } : {}),
      endedAt,
      error,
    });
}

/** Submits the step's job (not started); returns the sub-orchestration's instance id and input. */
export async function prepareBatchStep(input: StepInput): Promise<BatchStepStart> {
  const context = await loadStepContext(input);
  const jobId = context.plan.runId;
  const existing = await findRun(jobId);
  const earlier = existing?.details?.job as BatchJobSpec | undefined;
  if (existing && earlier && !isTerminalStatus(existing.status))
    return { ok: true, jobId, input: inputOf(jobId, earlier) };
  try {
    const step = context.resolve();
    if (step.kind !== 'batch-score')
      throw new SibylError('InternalError', `Step '${step.name}' is a ${step.kind} step, not batch-score.`);
    const experiment = step.job.experiment ?? context.run.experiment;
    const job: BatchJobSpec = experiment ? { ...step.job, experiment } : step.job;
    let captured: BatchScoringInput | undefined;
    await submitBatchJob(job, {
      jobId,
      parentRunId: context.run.id,
      kind: 'batch-score',
      // The pipeline's orchestration starts it as a sub-orchestration; here it is only recorded.
      start: (_id, scoringInput) => {
        captured = scoringInput;
        return Promise.resolve();
      },
    });
    if (!captured) throw new SibylError('InternalError', `The job of step '${step.name}' was not prepared.`);
    return { ok: true, jobId, input: captured };
  } catch (error) {
    const info = toErrorInfo(error);
    await recordFailure(jobId, context.run, info);
    return { ok: false, error: info };
  }
}

/** The outputs of a finished batch-score step, or its error (a job left unfinished is marked Failed). */
export async function finishBatchStep(input: { runId: string; index: number }): Promise<StepResult> {
  const parent = await readRun(input.runId);
  const jobId = stepsOf(parent)[input.index]?.runId;
  if (!jobId) throw new SibylError('InternalError', `Run '${input.runId}' has no step ${input.index}.`);
  let job = await readRun(jobId);
  if (!isTerminalStatus(job.status))
    job = await moveRun(jobId, 'Failed', {
      endedAt: new Date().toISOString(),
      error: { code: 'BatchJobFailed', message: 'The batch job stopped before it finished.' },
    });
  if (job.status !== 'Completed')
    return { ok: false, error: job.error ?? { code: 'BatchJobFailed', message: `The batch job ended ${job.status}.` } };
  const output = (job.outputs.predictions ?? job.outputs.summary) as { datastore: string; path: string } | undefined;
  const path = output?.path ?? '';
  return {
    ok: true,
    outputs: {
      datastore: output?.datastore ?? '',
      path,
      folder: path.slice(0, path.lastIndexOf('/') + 1),
      rowsScored: job.metrics.rowsScored ?? job.progress?.rowsScored ?? 0,
      rowsFailed: job.metrics.rowsFailed ?? job.progress?.rowsFailed ?? 0,
    },
  };
}
