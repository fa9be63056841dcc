/** Activity: scores one mini-batch and writes its partial output; returns counts and a few error samples. */
import * as df from 'durable-functions';
import { scoreMiniBatch as score, type MiniBatchResult } from '../shared/batch/miniBatchScorer';

export const scoreMiniBatch = df.app.activity('scoreMiniBatch', {
  handler: (input: { jobId: string; index: number; timeoutMs: number }): Promise<MiniBatchResult> =>
    score(input.jobId, input.index, { timeoutMs: input.timeoutMs }),
});
