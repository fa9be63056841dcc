/**
 * The scoring fan-out of a batch job, shared by `batchScoring` (small jobs) and `batchScoringChunk`
 * (one chunk of a large job): waves of mini-batches, then progress, error-threshold and cancel
 * checks.
 */
import type { OrchestrationContext, Task } from 'durable-functions';
import {
  addTally,
  emptyTally,
  overThreshold,
  toProgress,
  type BatchScoringInput,
  type Tally,
} from '../../shared/batch/batchTally';
import type { MiniBatchResult } from '../../shared/batch/miniBatchScorer';
import type { ErrorSample, RunStatus } from '../../shared/workspace/runDocuments';
import type { RunLogLine } from '../../shared/workspace/runLogs';
import { describeFailedMiniBatch } from '../describeFailedMiniBatch';
import { recordBatchProgress } from '../recordBatchProgress';
import { scoreMiniBatch } from '../scoreMiniBatch';
import { retryOf, runWave, wavesOf } from './waves';

/** Progress is written after a wave at most this often (orchestration time), and after the last. */
const PROGRESS_EVERY_MS = 1000;

export type StopReason = 'threshold' | 'canceled';

export interface ScoreRange {
  from: number;
  to: number;
  /** Counters of mini-batches before `from` (earlier chunks). */
  before: Tally;
  totalMiniBatches: number;
}

export interface RangeResult {
  tally: Tally;
  stop?: StopReason;
}

function logLines(index: number, samples: ErrorSample[]): RunLogLine[] {
  return samples.map((s, k) => ({
    level: 'warning',
    key: `mb${index}-e${k}`,
    message: `${s.file}${s.line === undefined ? '' : ` line ${s.line}`}: ${s.message}`,
  }));
}

/** Scores mini-batches `[from, to)`; returns this range's own counters and why it stopped early, if it did. */
export function* scoreMiniBatches(
  context: OrchestrationContext,
  input: BatchScoringInput,
  range: ScoreRange,
): Generator<Task, RangeResult, unknown> {
  let own = emptyTally();
  let log: RunLogLine[] = [];
  let recordedAt = context.df.currentUtcDateTime.getTime();
  const timeoutMs = input.timeoutSeconds * 1000;
  for (const wave of wavesOf(range.from, range.to, input.maxConcurrency)) {
    const outcomes = yield* runWave<MiniBatchResult>(context, wave, (index) =>
      scoreMiniBatch({ jobId: input.jobId, index, timeoutMs }).withRetry(retryOf(input)),
    );
    for (const outcome of outcomes) {
      if (outcome.ok) {
        const r = outcome.value;
        log = [...log, ...logLines(outcome.index, r.samples)];
        own = addTally(own, {
          succeeded: 1,
          failed: 0,
          rowsScored: r.rows,
          rowsFailed: r.failedRows,
          filesFailed: r.failedFiles,
          samples: r.samples,
        });
        continue;
      }
      const lost = (yield describeFailedMiniBatch({
        jobId: input.jobId,
        index: outcome.index,
        reason: outcome.reason,
      })) as { rows: number; files: number; file?: string };
      own = addTally(own, {
        succeeded: 0,
        failed: 1,
        rowsScored: 0,
        rowsFailed: lost.rows,
        filesFailed: lost.files,
        samples: [
          {
            file: lost.file ?? '',
            message: `mini-batch ${outcome.index} failed after ${input.maxRetries} retries: ${outcome.reason.slice(0, 300)}`,
          },
        ],
      });
    }
    const totals = addTally(range.before, own);
    const over = overThreshold(totals, input);
    const now = context.df.currentUtcDateTime.getTime();
    const last = wave[wave.length - 1]! + 1 >= range.to;
    if (over || last || now - recordedAt >= PROGRESS_EVERY_MS) {
      recordedAt = now;
      const status = (yield recordBatchProgress({
        jobId: input.jobId,
        progress: toProgress(totals, range.totalMiniBatches),
        samples: totals.samples,
        log: log.slice(0, 100),
      })) as RunStatus;
      log = [];
      if (status === 'Canceled') return { tally: own, stop: 'canceled' };
    }
    if (over) return { tally: own, stop: 'threshold' };
  }
  return { tally: own };
}
