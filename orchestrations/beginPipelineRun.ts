/** Activity `beginPipelineRun`: marks a pipeline run Running and returns its steps. */
import * as df from 'durable-functions';
import { beginPipelineRun as begin } from '../shared/pipelines/pipelineRunLifecycle';
import type { PipelineRunInput } from '../shared/pipelines/pipelineRunProtocol';

export const beginPipelineRun = df.app.activity('beginPipelineRun', {
  handler: (input: PipelineRunInput) => begin(input.runId),
});
