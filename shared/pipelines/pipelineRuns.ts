/**
 * Starting a pipeline run: the run document (kind `pipeline`) and the runs of its copy/move steps are
 * stored first (status `Queued`; a batch-score step's run is created when its job is submitted), then the
 * `pipelineRun` orchestration is started with the run id as its instance id. A caller that passes its own
 * `runId` (a schedule, derived from the tick or the blob version) learns from a `Conflict` that the run was
 * already started, so a tick fires once.
 *
 * @example
 *   const version = await runnableVersion('nightly', 1);
 *   const run = await startPipelineRun(version, { parameters: { inputPath: 'in/a.csv' } }, starter);
 */
import { randomUUID } from 'node:crypto';
import { SibylError } from '../errors';
import type { RunDoc } from '../workspace/runDocuments';
import { createRun, moveRun } from '../workspace/runStore';
import type { PipelineVersionDoc } from './pipelineDocuments';
import type { ParameterValue } from './templateReferences';

/** Starts the orchestration of a stored run; resolves once the start was accepted. */
export type RunStarter = (runId: string) => Promise<void>;

export interface PipelineRunOptions {
  /** Values for the version's parameters; the rest keep their defaults. */
  parameters?: Record<string, ParameterValue>;
  /** Default: the pipeline's name. */
  experiment?: string;
  /** A caller-chosen id (schedules derive it); default `pipeline-<uuid>`. */
  runId?: string;
  /** The schedule that started the run. */
  schedule?: string;
  /** Kept on the run document (a schedule's fire time, lateness, changed blob). */
  details?: Record<string, unknown>;
}

/** What a pipeline run remembers in `details.steps`: each step's run. */
export interface StepPlan {
  name: string;
  kind: string;
  runId: string;
}

export const stepRunId = (runId: string, step: string): string => `${runId}.${step}`;

/** The version's defaults overridden by `given`; a name the version does not declare is a 400. */
export function mergeParameters(
  version: PipelineVersionDoc,
  given: Record<string, ParameterValue> = {},
): Record<string, ParameterValue> {
  const declared = version.definition.parameters;
  const unknown = Object.keys(given).filter((name) => !(name in declared));
  if (unknown.length) {
    const names = Object.keys(declared);
    throw new SibylError(
      'InvalidInput',
      `Pipeline ${version.name}:${version.version} has no parameter${unknown.length > 1 ? 's' : ''} ` +
        `${unknown.map((n) => `'${n}'`).join(', ')}; ` +
        `${names.length ? `its parameters are ${names.join(', ')}` : 'it declares no parameters'}.`,
      unknown.map((name) => ({ target: `parameters.${name}`, message: 'not a parameter of this pipeline' })),
    );
  }
  return { ...declared, ...given };
}

/**
 * Stores the run and its step runs, then starts it. Throws `Conflict` when `options.runId` exists
 * already (nothing else is written then). When the start fails the run is marked Failed.
 */
export async function startPipelineRun(
  version: PipelineVersionDoc,
  options: PipelineRunOptions,
  start: RunStarter,
): Promise<RunDoc> {
  const parameters = mergeParameters(version, options.parameters);
  const runId = options.runId ?? `pipeline-${randomUUID()}`;
  const experiment = options.experiment ?? version.name;
  const steps: StepPlan[] = version.definition.steps.map((s) => ({
    name: s.name,
    kind: s.kind,
    runId: stepRunId(runId, s.name),
  }));
  const run = await createRun({
    id: runId,
    kind: 'pipeline',
    experiment,
    parameters,
    pipeline: `${version.name}:${version.version}`,
    children: steps.map((s) => s.runId),
    ...(options.schedule ? { schedule: options.schedule } : {}),
    details: { ...options.details, steps },
  });
  // A batch-score step's run is the batch job's own run, created when the job is submitted.
  const transfers = steps.filter((s) => s.kind !== 'batch-score');
  await Promise.all(
    transfers.map((s) =>
      createRun({
        id: s.runId,
        kind: s.kind,
        experiment,
        parentRunId: runId,
        ...(run.pipeline ? { pipeline: run.pipeline } : {}),
        details: { step: s.name },
      }).catch(ignoreConflict),
    ),
  );
  try {
    await start(runId);
  } catch (error) {
    await moveRun(runId, 'Failed', {
      endedAt: new Date().toISOString(),
      error: { code: 'InternalError', message: `The run could not be started: ${(error as Error).message}` },
    });
    throw error;
  }
  return run;
}

/** Creates a run that failed before it could start (a schedule fire whose pipeline is disabled); Conflict if it exists. */
export async function recordFailedStart(
  runId: string,
  fields: Pick<PipelineRunOptions, 'schedule' | 'details'> & { pipeline: string; experiment: string },
  error: SibylError,
): Promise<RunDoc> {
  const now = new Date().toISOString();
  return createRun({
    id: runId,
    kind: 'pipeline',
    status: 'Failed',
    endedAt: now,
    experiment: fields.experiment,
    pipeline: fields.pipeline,
    ...(fields.schedule ? { schedule: fields.schedule } : {}),
    details: fields.details ?? {},
    error: { code: error.code, message: error.message },
  });
}

function ignoreConflict(error: unknown): void {
  // A child that exists was written by an earlier attempt of this same start.
  if (!(error instanceof SibylError && error.code === 'Conflict')) throw error;
}
