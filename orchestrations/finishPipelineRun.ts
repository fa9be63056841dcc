/** Activity `finishPipelineRun`: ends a pipeline run (Completed, or Failed with later steps Canceled). */
import * as df from 'durable-functions';
import { finishPipelineRun as finish } from '../shared/pipelines/pipelineRunLifecycle';
import type { FinishInput } from '../shared/pipelines/pipelineRunProtocol';

export const finishPipelineRun = df.app.activity('finishPipelineRun', {
  handler: (input: FinishInput) => finish(input),
});
