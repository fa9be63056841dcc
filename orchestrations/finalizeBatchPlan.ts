/** Activity: numbers the rows of indexed segments and writes the mini-batch plan. */
import * as df from 'durable-functions';
import { finalizeLinePlan } from '../shared/batch/jobPlanner';

export const finalizeBatchPlan = df.app.activity('finalizeBatchPlan', {
  handler: (input: { jobId: string }): Promise<{ miniBatches: number; rows: number }> => finalizeLinePlan(input.jobId),
});
