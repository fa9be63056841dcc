/** Activity `runPipelineTransferStep`: runs a copy or move step; answers `{ok, outputs | error}`. */
import * as df from 'durable-functions';
import type { StepInput } from '../shared/pipelines/pipelineRunProtocol';
import { runTransferStep } from '../shared/pipelines/transferStepRunner';

export const runPipelineTransferStep = df.app.activity('runPipelineTransferStep', {
  handler: (input: StepInput) => runTransferStep(input),
});
