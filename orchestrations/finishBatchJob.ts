/** Activity: ends a job's run (Completed or Failed, never over Canceled) and deletes its working blobs. */
import * as df from 'durable-functions';
import { finishJob, type FinishRequest } from '../shared/batch/batchProgress';
import type { RunStatus } from '../shared/workspace/runDocuments';

export const finishBatchJob = df.app.activity('finishBatchJob', {
  handler: (input: FinishRequest & { jobId: string }): Promise<RunStatus> => finishJob(input.jobId, input),
});
