/** Activity: writes a job's progress counters (and logs new failed rows); returns the run's status (Canceled stops the job). */
import * as df from 'durable-functions';
import type { BatchProgress } from '../shared/api/schemas';
import { recordProgress } from '../shared/batch/batchProgress';
import type { ErrorSample, RunStatus } from '../shared/workspace/runDocuments';
import type { RunLogLine } from '../shared/workspace/runLogs';

export const recordBatchProgress = df.app.activity('recordBatchProgress', {
  handler: (input: {
    jobId: string;
    progress: BatchProgress;
    samples: ErrorSample[];
    details?: Record<string, unknown>;
    log?: RunLogLine[];
  }): Promise<RunStatus> => recordProgress(input.jobId, input.progress, input.samples, input.details, input.log),
});
