/**
 * The batch job service behind `api/batch/jobs`: validates a job before anything starts (datastores,
 * deployment or model, input files, format, columns against the model), records it as a run
 * (`Queued`), starts the `batchScoring` orchestration under the job id, reports it, and cancels it.
 *
 * @example
 *   const start = (id, input) => client.startNew('batchScoring', { instanceId: id, input }).then(() => undefined);
 *   const job = await submitBatchJob(spec, { start });
 */
import { randomUUID } from 'node:crypto';
import type { BlobClient } from '@azure/storage-blob';
import type { BatchJob, BatchJobSpec } from '../api/schemas';
import { SibylError } from '../errors';
import { readDatastoreDoc } from '../datastores/datastoreStore';
import { containerOf, normalizePath } from '../datastores/datastorePaths';
import { appendRunLog } from '../workspace/runLogs';
import type { RunDoc } from '../workspace/runDocuments';
import { createRun, findRun, moveRun } from '../workspace/runStore';
import { batchScoringInput, type BatchScoringInput } from './batchTally';
import { checkBatchable } from './columnLayout';
import { csvLayout, jsonlBinding, parquetLayout } from './inputHeader';
import { listInputFiles } from './inputListing';
import { saveJobContext, type JobContext } from './jobContext';
import { jobSettings, outputPathOf, runParameters } from './jobSettings';
import { resolveTarget } from './scoringTarget';

/** Name of the orchestration that runs a job (its instance id is the job id). */
export const BATCH_ORCHESTRATION = 'batchScoring';

/** Starts the orchestration; the HTTP function passes the Durable client's `startNew`. */
export type StartJob = (jobId: string, input: BatchScoringInput) => Promise<void>;

export interface SubmitOptions {
  start: StartJob;
  /** Pipeline step runs: the parent run, and the run kind (`batch-score`). */
  parentRunId?: string;
  kind?: string;
  /** A job id to use (pipelines derive it from the step); a fresh one by default. */
  jobId?: string;
}

function jobNotFound(id: string): SibylError {
  return new SibylError('JobNotFound', `Batch job '${id.slice(0, 255)}' does not exist.`);
}

/** Binds the first input file's columns to the model's inputs (or refuses the file). */
async function bindInputs(context: JobContext, blob: BlobClient, size: number, what: string): Promise<void> {
  const { settings, signature } = context;
  if (settings.input.format === 'csv') await csvLayout(blob, size, signature, what);
  else if (settings.input.format === 'parquet') await parquetLayout(blob, size, signature, what);
  else {
    const objects = await jsonlBinding(blob, size, signature, what);
    if (objects) context.jsonlObjects = objects;
  }
}

/** Checks the job against its data and model and saves its context; nothing runs yet. */
export async function prepareJobContext(jobId: string, spec: BatchJobSpec): Promise<JobContext> {
  const settings = jobSettings(spec);
  normalizePath(settings.output.path);
  const [input, output, { target, signature }] = await Promise.all([
    readDatastoreDoc(settings.input.datastore),
    readDatastoreDoc(settings.output.datastore),
    resolveTarget(settings),
  ]);
  // A scoring script reads its inputs itself: only ONNX models bind columns to inputs.
  if (!target.scoringScript) checkBatchable(signature);
  const files = await listInputFiles(input, settings.input.path);
  const first = files[0];
  if (!first)
    throw new SibylError(
      'InvalidInput',
      `No input files match '${settings.input.path}' in datastore '${input.name}' (empty files are skipped).`,
    );
  const blob = containerOf(input).getBlobClient(first.blob);
  const what = `Input file '${first.path}'`;
  const context: JobContext = {
    jobId,
    settings,
    target,
    signature,
    input: { name: input.name, container: input.container, ...(input.prefix ? { prefix: input.prefix } : {}) },
    output: {
      name: output.name,
      container: output.container,
      ...(output.prefix ? { prefix: output.prefix } : {}),
      path: outputPathOf(settings),
    },
  };
  // A scoring script reads its inputs itself: only an ONNX model's inputs are bound to the columns.
  if (!target.scoringScript) await bindInputs(context, blob, first.size, what);
  await saveJobContext(context);
  return context;
}

/** Validates, records the run (`Queued`) and starts the orchestration. */
export async function submitBatchJob(
  spec: BatchJobSpec,
  options: SubmitOptions,
): Promise<{ id: string; status: 'Queued' }> {
  const jobId = options.jobId ?? `batch-${randomUUID()}`;
  const context = await prepareJobContext(jobId, spec);
  const { settings } = context;
  await createRun({
    id: jobId,
    kind: options.kind ?? 'batch',
    ...(settings.experiment ? { experiment: settings.experiment } : {}),
    ...(options.parentRunId ? { parentRunId: options.parentRunId } : {}),
    parameters: runParameters(settings),
    outputs: {
      [settings.outputAction === 'append_row' ? 'predictions' : 'summary']: {
        datastore: settings.output.datastore,
        path: context.output.path,
      },
    },
    progress: { totalMiniBatches: 0, succeeded: 0, failed: 0, rowsScored: 0, rowsFailed: 0 },
    details: { job: spec },
  });
  const input = batchScoringInput(jobId, settings);
  try {
    await options.start(jobId, input);
  } catch (error) {
    await moveRun(jobId, 'Failed', {
      endedAt: new Date().toISOString(),
      error: { code: 'InternalError', message: `The job could not be started: ${(error as Error).message}` },
    });
    throw error;
  }
  await appendRunLog(jobId, [
    {
      key: 'submitted',
      message:
        `submitted: ${settings.deployment ? `deployment ${settings.deployment}` : `model ${settings.model ?? ''}`} ` +
        `(${context.target.modelName}:${context.target.modelVersion}), ` +
        `input ${settings.input.datastore}/${settings.input.path} (${settings.input.format})`,
    },
  ]);
  return { id: jobId, status: 'Queued' };
}

async function readJobRun(id: string): Promise<RunDoc> {
  const run = await findRun(id);
  if (!run || (run.kind !== 'batch' && run.kind !== 'batch-score')) throw jobNotFound(id);
  return run;
}

/** The `BatchJob` view of a run. */
export function toBatchJob(run: RunDoc): BatchJob {
  const output = (run.outputs.predictions ?? run.outputs.summary) as { datastore: string; path: string } | undefined;
  return {
    id: run.id,
    status: run.status,
    progress: run.progress ?? { totalMiniBatches: 0, succeeded: 0, failed: 0, rowsScored: 0, rowsFailed: 0 },
    output: output ?? { datastore: '', path: '' },
    ...(run.startedAt ? { startedAt: run.startedAt } : {}),
    ...(run.endedAt ? { endedAt: run.endedAt } : {}),
    ...(run.error ? { error: run.error } : {}),
    ...(run.experiment ? { experiment: run.experiment } : {}),
    createdAt: run.createdAt,
  };
}

export async function getBatchJob(id: string): Promise<BatchJob> {
  return toBatchJob(await readJobRun(id));
}

/** Instance ids of the sub-orchestrations a job started (`details.chunks` of them). */
export function chunkInstanceIds(run: RunDoc): string[] {
  const chunks = typeof run.details?.chunks === 'number' ? run.details.chunks : 0;
  return Array.from({ length: chunks }, (_, k) => chunkInstanceId(run.id, k));
}

export function chunkInstanceId(jobId: string, chunk: number): string {
  return `${jobId}:chunk-${chunk}`;
}

/**
 * Cancels a job: marks it `Canceled` first (so nothing can move it on), then terminates its
 * orchestration and sub-orchestrations. A finished job answers 409.
 */
export async function cancelBatchJob(
  id: string,
  terminate: (instanceId: string, reason: string) => Promise<void>,
): Promise<BatchJob> {
  const run = await readJobRun(id);
  const moved = run.status === 'Canceled' ? run : await moveRun(id, 'Canceled', { endedAt: new Date().toISOString() });
  if (moved.status !== 'Canceled')
    throw new SibylError(
      'Conflict',
      `Batch job '${id}' already ended (${moved.status}); only a queued or running job can be canceled.`,
    );
  const reason = 'Canceled by request';
  for (const instanceId of [id, ...chunkInstanceIds(moved)]) {
    await terminate(instanceId, reason).catch(() => undefined);
  }
  await appendRunLog(id, [
    { key: 'canceled', level: 'warning', message: 'canceled by request: no new mini-batches are scheduled' },
  ]);
  return toBatchJob(moved);
}
