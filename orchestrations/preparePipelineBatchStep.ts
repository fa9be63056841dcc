/** Activity `preparePipelineBatchStep`: submits a batch-score step's job; answers the `batchScoring` input. */
import * as df from 'durable-functions';
import { prepareBatchStep } from '../shared/pipelines/batchStepRunner';
import type { StepInput } from '../shared/pipelines/pipelineRunProtocol';

export const preparePipelineBatchStep = df.app.activity('preparePipelineBatchStep', {
  handler: (input: StepInput) => prepareBatchStep(input),
});
