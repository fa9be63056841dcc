/**
 * Run-document writes of a running batch job (activities of `batchScoring`): start, progress as
 * mini-batches finish, a mini-batch that failed every try, and the end. Progress writes are absolute
 * counters that only grow, so a replayed or reordered write never moves them back; status writes
 * only move forward, so nothing undoes `Canceled`.
 */
import type { BatchProgress, ErrorInfo } from '../api/schemas';
import { appendRunLog, type RunLogLine } from '../workspace/runLogs';
import type { ErrorSample, RunDoc, RunStatus } from '../workspace/runDocuments';
import { moveRun, updateRun } from '../workspace/runStore';
import { loadInputFiles } from './jobContext';
import { deleteJobBlobs } from './outputMerger';
import { readMiniBatch } from './planStore';

const done = (p: BatchProgress | undefined) => (p ? p.succeeded + p.failed : -1);

/** Marks the job Running (once) and logs it. */
export async function markStarted(jobId: string, message: string): Promise<RunStatus> {
  const run = await updateRun(jobId, (r) =>
    r.status === 'Queued' ? { ...r, status: 'Running', startedAt: new Date().toISOString() } : undefined,
  );
  await appendRunLog(jobId, [{ key: 'start', message }]);
  return run.status;
}

/**
 * Writes progress (never backwards), the first error samples and extra details, and logs the failed
 * rows found since the last write (`log`, idempotent by key); returns the run's status (a canceled
 * job stops).
 */
export async function recordProgress(
  jobId: string,
  progress: BatchProgress,
  samples: ErrorSample[],
  details?: Record<string, unknown>,
  log: RunLogLine[] = [],
): Promise<RunStatus> {
  if (log.length) await appendRunLog(jobId, log);
  const run = await updateRun(jobId, (r) => {
    if (r.status !== 'Running' && r.status !== 'Queued') return undefined;
    const forward =
      done(progress) >= done(r.progress) && progress.totalMiniBatches >= (r.progress?.totalMiniBatches ?? 0);
    if (!forward && !details) return undefined;
    return {
      ...r,
      ...(forward ? { progress, errorSamples: samples } : {}),
      ...(details ? { details: { ...r.details, ...details } } : {}),
    };
  });
  return run.status;
}

/** What a mini-batch that failed every try held (counted as failed, from the plan), logged with the reason. */
export async function describeFailure(
  jobId: string,
  index: number,
  reason: string,
): Promise<{ rows: number; files: number; file?: string }> {
  const [miniBatch, files] = await Promise.all([readMiniBatch(jobId, index), loadInputFiles(jobId)]);
  let counts: { rows: number; files: number; file?: string };
  if (miniBatch.kind === 'files')
    counts = {
      rows: 0,
      files: miniBatch.files.length,
      ...(files[miniBatch.files[0]!] ? { file: files[miniBatch.files[0]!]!.path } : {}),
    };
  else {
    const rows = miniBatch.kind === 'lines' ? miniBatch.rows : miniBatch.rowEnd - miniBatch.rowStart;
    counts = { rows, files: 1, ...(files[miniBatch.file] ? { file: files[miniBatch.file]!.path } : {}) };
  }
  await appendRunLog(jobId, [
    {
      level: 'error',
      key: `mb${index}-failed`,
      message: `mini-batch ${index}${counts.file ? ` (${counts.file})` : ''} failed after its retries: ${reason.slice(0, 1000)}`,
    },
  ]);
  return counts;
}

export interface FinishRequest {
  status: 'Completed' | 'Failed';
  progress: BatchProgress;
  samples: ErrorSample[];
  metrics: Record<string, number>;
  error?: ErrorInfo;
}

/** Ends the job (unless it already ended, e.g. canceled), logs it, and deletes its working blobs. */
export async function finishJob(jobId: string, request: FinishRequest): Promise<RunStatus> {
  const run: RunDoc = await moveRun(jobId, request.status, {
    endedAt: new Date().toISOString(),
    progress: request.progress,
    errorSamples: request.samples,
    metrics: request.metrics,
    ...(request.error ? { error: request.error } : {}),
  });
  await appendRunLog(jobId, [
    {
      key: 'end',
      level: request.status === 'Completed' ? 'info' : 'error',
      message: request.error
        ? `${request.status}: ${request.error.message}`
        : `${request.status}: ${request.progress.rowsScored} rows scored, ${request.progress.rowsFailed} failed`,
    },
  ]);
  await deleteJobBlobs(jobId).catch(() => undefined);
  return run.status;
}
