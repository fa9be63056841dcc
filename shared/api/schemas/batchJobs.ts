/**
 * Batch scoring jobs: input files in a datastore are split into mini-batches, scored by a deployment
 * or a model, and written back as `predictions.csv` (`append_row`) or a summary.
 */
import { Type, type Static } from '@sinclair/typebox';
import {
  AssetName,
  DatastoreName,
  DatastorePath,
  DeploymentRef,
  ErrorInfo,
  ModelRef,
  RunId,
  Timestamp,
  blobPath,
  closedObject,
  stringEnum,
} from './common';
import { RUN_STATUSES } from '../../portable/runStatuses';

/** Run states shared by batch jobs and runs. */
export const RunStatus = stringEnum(RUN_STATUSES, { description: 'Where the job or run is.' });
export type RunStatus = Static<typeof RunStatus>;

const BatchInput = closedObject(
  'BatchInput',
  {
    datastore: DatastoreName,
    path: blobPath('A file, or a folder whose files are all scored.'),
    format: stringEnum(['csv', 'jsonl', 'parquet'] as const, { description: 'The input file format.' }),
  },
  { description: 'Where the input files are.' },
);

const BatchOutput = closedObject(
  'BatchOutput',
  {
    datastore: DatastoreName,
    path: blobPath('The output folder.'),
    fileName: Type.Optional(
      Type.String({
        pattern: '^[^/\\\\]{1,255}$',
        description: 'The output file name (no slashes); default `predictions.csv`.',
      }),
    ),
  },
  { description: 'Where the predictions go.' },
);

const fields = {
  deployment: Type.Optional(DeploymentRef),
  model: Type.Optional(ModelRef),
  input: BatchInput,
  output: BatchOutput,
  miniBatchSize: Type.Optional(
    Type.Object(
      {
        files: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, description: 'Input files per mini-batch.' })),
        rows: Type.Optional(
          Type.Integer({
            minimum: 1,
            maximum: 10000000,
            description: 'Rows per mini-batch (files are split by rows).',
          }),
        ),
      },
      {
        additionalProperties: false,
        description: 'How big one unit of work is; by files, rows or both (default: 10 files, as in Azure ML).',
      },
    ),
  ),
  maxConcurrency: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 256, description: 'Mini-batches scored at once.' }),
  ),
  errorThreshold: Type.Optional(
    Type.Integer({
      minimum: -1,
      description:
        'Failed rows (or files) tolerated over the whole input before the job fails; -1 ignores all (default).',
    }),
  ),
  retry: Type.Optional(
    Type.Object(
      {
        maxRetries: Type.Optional(
          Type.Integer({
            minimum: 0,
            maximum: 100,
            description: 'Retries of a failed or timed-out mini-batch (default 3).',
          }),
        ),
        timeoutSeconds: Type.Optional(
          Type.Integer({ minimum: 1, maximum: 259200, description: 'Time to score one mini-batch (default 30).' }),
        ),
      },
      { additionalProperties: false, description: 'Mini-batch retry settings.' },
    ),
  ),
  outputAction: Type.Optional(
    stringEnum(['append_row', 'summary_only'] as const, {
      description: '`append_row` writes every prediction to one file (default); `summary_only` writes counts only.',
    }),
  ),
  experiment: Type.Optional(AssetName),
};

const batchJobExample = {
  deployment: 'iris/blue',
  input: { datastore: 'workspaceblobstore', path: 'iris/input/', format: 'csv' },
  output: { datastore: 'workspaceblobstore', path: 'iris/output/', fileName: 'predictions.csv' },
  miniBatchSize: { rows: 1000 },
  maxConcurrency: 4,
  errorThreshold: -1,
  retry: { maxRetries: 3, timeoutSeconds: 30 },
  outputAction: 'append_row',
  experiment: 'iris-nightly',
};

type BatchJobFields = Omit<Static<typeof batchJobObject>, 'deployment' | 'model'>;
/** A batch job spec; the union says which of `deployment` / `model` is set. */
export type BatchJobSpec = BatchJobFields &
  ({ deployment: string; model?: undefined } | { model: string; deployment?: undefined });

const batchJobObject = closedObject('BatchJobSpec', fields, {
  oneOf: [{ required: ['deployment'] }, { required: ['model'] }],
  description:
    'A batch scoring job; give exactly one of `deployment` (`endpoint/deployment`) or `model` (`name:version`).',
  examples: [
    batchJobExample,
    {
      model: 'iris:1',
      input: { datastore: 'workspaceblobstore', path: 'iris/day1.jsonl', format: 'jsonl' },
      output: { datastore: 'workspaceblobstore', path: 'iris/out/' },
      outputAction: 'summary_only',
    },
  ],
});

/** `POST api/batch/jobs`: exactly one of `deployment` or `model` says what scores (typed as that union). */
export const BatchJobSpec = Type.Unsafe<BatchJobSpec>(batchJobObject);

/** `POST api/batch/jobs` → 202 (and `POST …/cancel` → 202). */
export const BatchJobAccepted = Type.Object(
  {
    id: Type.String(),
    status: RunStatus,
    statusUri: Type.String({ description: 'Poll this URI (`GET api/batch/jobs/{id}`) for progress.' }),
  },
  {
    title: 'BatchJobAccepted',
    description: 'A job was accepted.',
    examples: [{ id: 'batch-7c1f…', status: 'Queued', statusUri: 'http://localhost:7071/api/batch/jobs/batch-7c1f…' }],
  },
);
export type BatchJobAccepted = Static<typeof BatchJobAccepted>;

/** Counters of a job in progress. */
export const BatchProgress = Type.Object(
  {
    totalMiniBatches: Type.Integer({ minimum: 0 }),
    succeeded: Type.Integer({ minimum: 0 }),
    failed: Type.Integer({ minimum: 0 }),
    rowsScored: Type.Integer({ minimum: 0 }),
    rowsFailed: Type.Integer({ minimum: 0 }),
  },
  { title: 'BatchProgress', description: 'Mini-batch and row counters.' },
);
export type BatchProgress = Static<typeof BatchProgress>;

/** `GET api/batch/jobs/{id}`. */
export const BatchJob = Type.Object(
  {
    id: Type.String(),
    status: RunStatus,
    progress: BatchProgress,
    output: DatastorePath,
    startedAt: Type.Optional(Timestamp),
    endedAt: Type.Optional(Timestamp),
    error: Type.Optional(ErrorInfo),
    experiment: Type.Optional(Type.String()),
    createdAt: Type.Optional(Timestamp),
  },
  {
    title: 'BatchJob',
    description: 'A batch job and its progress.',
    examples: [
      {
        id: 'batch-7c1f…',
        status: 'Running',
        progress: { totalMiniBatches: 10, succeeded: 4, failed: 0, rowsScored: 4000, rowsFailed: 0 },
        output: { datastore: 'workspaceblobstore', path: 'iris/output/predictions.csv' },
        startedAt: '2024-06-01T12:00:00.000Z',
      },
    ],
  },
);
export type BatchJob = Static<typeof BatchJob>;

export const BatchJobParams = Type.Object({ id: RunId });
