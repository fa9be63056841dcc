/**
 * The counters of a batch job as the orchestration keeps them (pure functions of activity results, so
 * replays agree), and the wire shapes of the `batchScoring` orchestration's input.
 */
import type { BatchProgress } from '../api/schemas';
import type { ErrorSample } from '../workspace/runDocuments';
import type { JobSettings } from './jobSettings';

/** The orchestration's input: the job id and the settings the orchestrator itself needs (it does no I/O). */
export interface BatchScoringInput {
  jobId: string;
  maxConcurrency: number;
  maxRetries: number;
  timeoutSeconds: number;
  /** -1 ignores every failure. */
  errorThreshold: number;
  /** `files`: the threshold counts failed files; `rows`: failed rows. */
  thresholdUnit: 'files' | 'rows';
  outputAction: 'append_row' | 'summary_only';
}

/** The orchestration input of job `jobId`: built here only, so a submit and a retried pipeline step agree. */
export function batchScoringInput(jobId: string, settings: JobSettings): BatchScoringInput {
  return {
    jobId,
    maxConcurrency: settings.maxConcurrency,
    maxRetries: settings.retry.maxRetries,
    timeoutSeconds: settings.retry.timeoutSeconds,
    errorThreshold: settings.errorThreshold,
    thresholdUnit: settings.miniBatch.rows === undefined ? 'files' : 'rows',
    outputAction: settings.outputAction,
  };
}

export interface Tally {
  succeeded: number;
  failed: number;
  rowsScored: number;
  rowsFailed: number;
  filesFailed: number;
  samples: ErrorSample[];
}

export const MAX_SAMPLES = 20;

export function emptyTally(): Tally {
  return { succeeded: 0, failed: 0, rowsScored: 0, rowsFailed: 0, filesFailed: 0, samples: [] };
}

/** `a + b` (samples: the first {@link MAX_SAMPLES}). */
export function addTally(a: Tally, b: Tally): Tally {
  return {
    succeeded: a.succeeded + b.succeeded,
    failed: a.failed + b.failed,
    rowsScored: a.rowsScored + b.rowsScored,
    rowsFailed: a.rowsFailed + b.rowsFailed,
    filesFailed: a.filesFailed + b.filesFailed,
    samples: a.samples.length >= MAX_SAMPLES ? a.samples : [...a.samples, ...b.samples].slice(0, MAX_SAMPLES),
  };
}

/** The failures that count against the threshold. */
export function failuresOf(tally: Tally, unit: BatchScoringInput['thresholdUnit']): number {
  return unit === 'files' ? tally.filesFailed : tally.rowsFailed;
}

/** True when the job must stop: more failures than the threshold allows. */
export function overThreshold(
  tally: Tally,
  input: Pick<BatchScoringInput, 'errorThreshold' | 'thresholdUnit'>,
): boolean {
  return input.errorThreshold >= 0 && failuresOf(tally, input.thresholdUnit) > input.errorThreshold;
}

export function toProgress(tally: Tally, totalMiniBatches: number): BatchProgress {
  return {
    totalMiniBatches,
    succeeded: tally.succeeded,
    failed: tally.failed,
    rowsScored: tally.rowsScored,
    rowsFailed: tally.rowsFailed,
  };
}
