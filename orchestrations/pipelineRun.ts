/**
 * Orchestration `pipelineRun` (instance id = the pipeline run id): marks the run Running, runs the
 * steps in order — copy/move as one activity, batch-score as the `batchScoring` sub-orchestration
 * (instance id = the step's run id) between a prepare and a finish activity — passing each step's
 * outputs to the next, stops at the first failed step, then ends the run. Deterministic: activities do
 * all I/O and take ids, indexes and small outputs.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext, Task } from 'durable-functions';
import type { StepPlan } from '../shared/pipelines/pipelineRuns';
import {
  PIPELINE_RUN_ORCHESTRATION,
  type BatchStepStart,
  type FinishInput,
  type PipelineRunInput,
  type RunPlan,
  type StepInput,
  type StepOutputs,
  type StepResult,
} from '../shared/pipelines/pipelineRunProtocol';
import { batchScoring } from './batchScoring';
import { beginPipelineRun } from './beginPipelineRun';
import { finishPipelineBatchStep } from './finishPipelineBatchStep';
import { finishPipelineRun } from './finishPipelineRun';
import { preparePipelineBatchStep } from './preparePipelineBatchStep';
import { runPipelineTransferStep } from './runPipelineTransferStep';

/** Activities only touch Cosmos and Blob; a few spaced retries ride out a blip. */
const retry = new df.RetryOptions(2000, 3);

function* runStep(input: StepInput, step: StepPlan): Generator<Task, StepResult, unknown> {
  try {
    if (step.kind !== 'batch-score') return (yield runPipelineTransferStep(input).withRetry(retry)) as StepResult;
    const start = (yield preparePipelineBatchStep(input).withRetry(retry)) as BatchStepStart;
    if (!start.ok) return start;
    try {
      yield batchScoring(start.input, start.jobId);
    } catch {
      // The job's run records what went wrong; the finish activity reads it.
    }
    return (yield finishPipelineBatchStep({ runId: input.runId, index: input.index }).withRetry(retry)) as StepResult;
  } catch (failure) {
    return {
      ok: false,
      error: { code: 'StepFailed', message: failure instanceof Error ? failure.message : String(failure) },
    };
  }
}

export const pipelineRun = df.app.orchestration(PIPELINE_RUN_ORCHESTRATION, function* (context: OrchestrationContext) {
  const { runId } = context.df.getInput<PipelineRunInput>();
  const plan = (yield beginPipelineRun({ runId }).withRetry(retry)) as RunPlan;
  if (plan.stop) return { status: 'Canceled' };
  const outputs: Record<string, StepOutputs> = {};
  let failed: FinishInput['failed'];
  for (const [index, step] of plan.steps.entries()) {
    const result = yield* runStep({ runId, index, outputs: { ...outputs } }, step);
    if (!result.ok) {
      failed = { step: step.name, error: result.error };
      break;
    }
    outputs[step.name] = result.outputs;
  }
  const finish: FinishInput = { runId, outputs, ...(failed ? { failed } : {}) };
  return { status: (yield finishPipelineRun(finish).withRetry(retry)) as string };
});
