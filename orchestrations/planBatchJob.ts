/** Activity: marks the job Running, lists its input and plans its mini-batches (counts only come back). */
import * as df from 'durable-functions';
import { markStarted } from '../shared/batch/batchProgress';
import { planJob, type PlanCounts } from '../shared/batch/jobPlanner';

export const planBatchJob = df.app.activity('planBatchJob', {
  handler: async (input: { jobId: string }): Promise<PlanCounts> => {
    await markStarted(input.jobId, 'planning');
    return planJob(input.jobId);
  },
});
