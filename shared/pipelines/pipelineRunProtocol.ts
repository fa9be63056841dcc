/**
 * What the `pipelineRun` orchestration and its activities pass each other: run ids, step indexes,
 * step outputs and errors — references and small values only (Durable payloads stay tiny).
 * Changing a shape breaks runs in flight: add fields, never rename.
 */
import type { ErrorInfo } from '../api/schemas';
import type { BatchScoringInput } from '../batch/batchTally';
import type { StepPlan } from './pipelineRuns';
import type { ParameterValue } from './templateReferences';

/** Name of the orchestration; its instance id is the pipeline run id. */
export const PIPELINE_RUN_ORCHESTRATION = 'pipelineRun';

export interface PipelineRunInput {
  runId: string;
}

/** The steps to run, or `stop` when the run already ended (e.g. canceled before it started). */
export interface RunPlan {
  steps: StepPlan[];
  stop?: boolean;
}

/** Outputs of one step, by output name (see `STEP_OUTPUTS`). */
export type StepOutputs = Record<string, ParameterValue>;

/** Which step to run, with the outputs of the steps before it. */
export interface StepInput {
  runId: string;
  index: number;
  outputs: Record<string, StepOutputs>;
}

export type StepResult = { ok: true; outputs: StepOutputs } | { ok: false; error: ErrorInfo };

/** A batch-score step ready to run as the `batchScoring` sub-orchestration (instance id `jobId`). */
export type BatchStepStart = { ok: true; jobId: string; input: BatchScoringInput } | { ok: false; error: ErrorInfo };

export interface FinishInput {
  runId: string;
  outputs: Record<string, StepOutputs>;
  /** The step that failed, when one did; later steps are marked Canceled. */
  failed?: { step: string; error: ErrorInfo };
}

/** An error as a run stores it: client faults keep their message; anything else is summarised. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string' && 'message' in error) {
    return { code: error.code, message: String(error.message) };
  }
  return { code: 'InternalError', message: error instanceof Error ? error.message : String(error) };
}
