/**
 * What an activity of a pipeline run needs about one step: the run, its published version (immutable,
 * so cached per instance), the step's plan (its run id) and the step resolved with the run's
 * parameters and the outputs of earlier steps.
 *
 * @example const ctx = await loadStepContext({ runId, index: 1, outputs }); ctx.resolve().kind === 'move'
 */
import { SibylError } from '../errors';
import type { RunDoc } from '../workspace/runDocuments';
import { readRun } from '../workspace/runStore';
import type { PipelineVersionDoc } from './pipelineDocuments';
import type { StepPlan } from './pipelineRuns';
import type { StepInput } from './pipelineRunProtocol';
import { readPipelineVersion } from './pipelineStore';
import { resolveStep, type ResolvedStep } from './stepResolution';

export interface StepContext {
  run: RunDoc;
  version: PipelineVersionDoc;
  plan: StepPlan;
  /** The step with references replaced; throws InvalidInput when that makes it invalid. */
  resolve(): ResolvedStep;
}

const versions = new Map<string, Promise<PipelineVersionDoc>>();

/** The version a run was started from (`run.pipeline` = `name:version`). */
export function versionOfRun(run: RunDoc): Promise<PipelineVersionDoc> {
  const ref = run.pipeline ?? '';
  const split = ref.lastIndexOf(':');
  const name = ref.slice(0, split);
  const version = Number(ref.slice(split + 1));
  if (split <= 0 || !Number.isSafeInteger(version))
    return Promise.reject(new SibylError('InternalError', `Run '${run.id}' names no pipeline version ('${ref}').`));
  let loading = versions.get(ref);
  if (!loading) {
    loading = readPipelineVersion(name, version);
    loading.catch(() => versions.delete(ref));
    versions.set(ref, loading);
    if (versions.size > 64) versions.delete(versions.keys().next().value!);
  }
  return loading;
}

/** The plan of a run's steps, as stored when it was started. */
export function stepsOf(run: RunDoc): StepPlan[] {
  const steps = run.details?.steps;
  return Array.isArray(steps) ? (steps as StepPlan[]) : [];
}

/** Loads step `index` of a run; throws RunNotFound / PipelineNotFound. */
export async function loadStepContext(input: StepInput): Promise<StepContext> {
  const run = await readRun(input.runId);
  const version = await versionOfRun(run);
  const plan = stepsOf(run)[input.index];
  const step = version.definition.steps[input.index];
  if (!plan || !step) throw new SibylError('InternalError', `Run '${run.id}' has no step ${input.index}.`);
  const values = { parameters: run.parameters, steps: input.outputs, runId: run.id };
  return { run, version, plan, resolve: () => resolveStep(step, values, input.index) };
}
