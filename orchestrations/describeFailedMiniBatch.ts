/** Activity: logs a mini-batch that failed every try and says how many rows and files it held. */
import * as df from 'durable-functions';
import { describeFailure } from '../shared/batch/batchProgress';

export const describeFailedMiniBatch = df.app.activity('describeFailedMiniBatch', {
  handler: (input: {
    jobId: string;
    index: number;
    reason: string;
  }): Promise<{ rows: number; files: number; file?: string }> =>
    describeFailure(input.jobId, input.index, input.reason),
});
