/**
 * Orchestration `batchScoring` (instance id = job id): plan → fan out mini-batches with at most
 * `maxConcurrency` in flight (through `batchScoringChunk` sub-orchestrations past
 * {@link CHUNK_SIZE}) → stop early past the error threshold or when canceled → merge the partial
 * outputs → end the run. Deterministic: no clock but `currentUtcDateTime`, no I/O; activities take
 * the job id and indexes and return counts.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext, Task } from 'durable-functions';
import type { ErrorInfo } from '../shared/api/schemas';
import { chunkInstanceId } from '../shared/batch/batchJobs';
import { addTally, emptyTally, failuresOf, toProgress, type BatchScoringInput } from '../shared/batch/batchTally';
import type { PlanCounts } from '../shared/batch/jobPlanner';
import type { RunStatus } from '../shared/workspace/runDocuments';
import { finishBatchJob } from './finishBatchJob';
import { mergeBatchOutputs } from './mergeBatchOutputs';
import { planBatchJob } from './planBatchJob';
import { recordBatchProgress } from './recordBatchProgress';
import type { ChunkInput } from './batchScoringChunk';
import { scoreMiniBatches, type RangeResult } from './batch/phases';
import { reasonOf } from './batch/waves';

/** Mini-batches one orchestration fans out itself; more go through sub-orchestrations of this many. */
export const CHUNK_SIZE = 256;

function* scoreAll(
  context: OrchestrationContext,
  input: BatchScoringInput,
  total: number,
  chunks: number,
): Generator<Task, RangeResult, unknown> {
  if (chunks === 0)
    return yield* scoreMiniBatches(context, input, {
      from: 0,
      to: total,
      before: emptyTally(),
      totalMiniBatches: total,
    });
  let tally = emptyTally();
  for (let k = 0; k < chunks; k++) {
    const chunk: ChunkInput = {
      job: input,
      from: k * CHUNK_SIZE,
      to: Math.min(total, (k + 1) * CHUNK_SIZE),
      before: tally,
      totalMiniBatches: total,
    };
    const result = (yield context.df.callSubOrchestrator(
      'batchScoringChunk',
      chunk,
      chunkInstanceId(input.jobId, k),
    )) as RangeResult;
    tally = addTally(tally, result.tally);
    if (result.stop) return { tally, stop: result.stop };
  }
  return { tally };
}

export const batchScoring = df.app.orchestration('batchScoring', function* (context: OrchestrationContext) {
  const input = context.df.getInput<BatchScoringInput>();
  const clock = () => context.df.currentUtcDateTime.getTime();
  const started = clock();
  let tally = emptyTally();
  let total = 0;
  const metrics = (extra: Record<string, number>) => {
    const seconds = Math.max(0.001, (clock() - started) / 1000);
    return {
      durationSeconds: seconds,
      rowsScored: tally.rowsScored,
      rowsFailed: tally.rowsFailed,
      miniBatches: total,
      failedMiniBatches: tally.failed,
      rowsPerSecond: tally.rowsScored / seconds,
      ...extra,
    };
  };
  try {
    const plan = (yield planBatchJob({ jobId: input.jobId })) as PlanCounts;
    total = plan.miniBatches;
    const planned = clock();
    const chunks = total > CHUNK_SIZE ? Math.ceil(total / CHUNK_SIZE) : 0;
    const details = { chunks, totalMiniBatches: total, ...(plan.rows !== undefined ? { totalRows: plan.rows } : {}) };
    const status = (yield recordBatchProgress({
      jobId: input.jobId,
      progress: toProgress(tally, total),
      samples: [],
      details,
    })) as RunStatus;
    if (status === 'Canceled') return { status };
    const scored = yield* scoreAll(context, input, total, chunks);
    tally = scored.tally;
    if (scored.stop === 'canceled') return { status: 'Canceled' };
    const timings = { planSeconds: (planned - started) / 1000, scoreSeconds: (clock() - planned) / 1000 };
    let error: ErrorInfo | undefined;
    if (scored.stop === 'threshold') {
      const unit = input.thresholdUnit === 'files' ? 'files' : 'rows';
      error = {
        code: 'ErrorThresholdExceeded',
        message:
          `${failuresOf(tally, input.thresholdUnit)} ${unit} failed, more than the errorThreshold of ${input.errorThreshold}; ` +
          `the job stopped early. ` +
          `See the run's log for the failed rows.`,
      };
    } else {
      const mergeStart = clock();
      const summary =
        input.outputAction === 'summary_only'
          ? { progress: toProgress(tally, total), errorSamples: tally.samples }
          : undefined;
      yield mergeBatchOutputs({ jobId: input.jobId, ...(summary ? { summary } : {}) });
      Object.assign(timings, { mergeSeconds: (clock() - mergeStart) / 1000 });
    }
    const finalStatus = (yield finishBatchJob({
      jobId: input.jobId,
      status: error ? 'Failed' : 'Completed',
      progress: toProgress(tally, total),
      samples: tally.samples,
      metrics: metrics(timings),
      ...(error ? { error } : {}),
    })) as RunStatus;
    return { status: finalStatus };
  } catch (failure) {
    const error = { code: 'BatchJobFailed', message: reasonOf(failure) };
    const finalStatus = (yield finishBatchJob({
      jobId: input.jobId,
      status: 'Failed',
      progress: toProgress(tally, total),
      samples: tally.samples,
      metrics: metrics({}),
      error,
    })) as RunStatus;
    return { status: finalStatus };
  }
});
