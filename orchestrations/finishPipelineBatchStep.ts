/** Activity `finishPipelineBatchStep`: reads the finished batch job of a step; answers its outputs or error. */
import * as df from 'durable-functions';
import { finishBatchStep } from '../shared/pipelines/batchStepRunner';

export const finishPipelineBatchStep = df.app.activity('finishPipelineBatchStep', {
  handler: (input: { runId: string; index: number }) => finishBatchStep(input),
});
