/**
 * Pipelines: ordered steps (batch scoring, copy, move) with parameters. `PUT` saves a draft;
 * `publish` freezes it as an immutable version that runs and schedules refer to as `name:version`.
 */
import { Type, type Static } from '@sinclair/typebox';
import {
  AssetName,
  DatastorePath,
  Parameters,
  Timestamp,
  VersionNumber,
  closedObject,
  listOf,
  stringEnum,
} from './common';
import { BatchJobSpec } from './batchJobs';
import { allowParameters } from './parameterized';

const StepName = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$',
  description: 'A step name: 1–64 characters (letters, digits, `_`, `-`), unique within the pipeline.',
});

const StepJob = allowParameters(BatchJobSpec, 'PipelineBatchJobSpec');
const StepPath = allowParameters(DatastorePath, 'PipelineDatastorePath');

/** `{"name", "kind": "batch-score", "job": BatchJob}`. */
export const BatchScoreStep = closedObject(
  'BatchScoreStep',
  { name: StepName, kind: Type.Literal('batch-score'), job: StepJob },
  {
    description: 'Runs a batch scoring job; any string in `job` may hold `${parameters.<name>}`.',
  },
);

/** `{"name", "kind": "copy"|"move", "from": {datastore, path}, "to": {datastore, path}}`. */
export const TransferStep = closedObject(
  'TransferStep',
  { name: StepName, kind: stringEnum(['copy', 'move'] as const), from: StepPath, to: StepPath },
  {
    description: 'Copies or moves blobs between datastore paths; strings may hold `${parameters.<name>}`.',
  },
);

export const PipelineStep = Type.Union([BatchScoreStep, TransferStep], {
  title: 'PipelineStep',
  description: 'A pipeline step, told apart by `kind`.',
});
export type PipelineStep = Static<typeof PipelineStep>;

const pipelineExample = {
  description: 'Scores the file named by inputPath, then archives it.',
  parameters: { inputPath: 'incoming/today.csv' },
  steps: [
    {
      name: 'score',
      kind: 'batch-score',
      job: {
        deployment: 'iris/blue',
        input: { datastore: 'workspaceblobstore', path: '${parameters.inputPath}', format: 'csv' },
        output: { datastore: 'workspaceblobstore', path: 'scored/' },
        outputAction: 'append_row',
      },
    },
    {
      name: 'archive',
      kind: 'move',
      from: { datastore: 'workspaceblobstore', path: '${parameters.inputPath}' },
      to: { datastore: 'workspaceblobstore', path: 'archive/' },
    },
  ],
};

/** `PUT api/pipelines/{name}`: saves the draft. */
export const PipelineSpec = closedObject(
  'PipelineSpec',
  {
    description: Type.Optional(Type.String({ maxLength: 4096 })),
    parameters: Type.Optional(Parameters),
    steps: Type.Array(PipelineStep, { minItems: 1, maxItems: 100, description: 'Steps, run in order.' }),
  },
  {
    description: "A pipeline draft; `parameters` holds each parameter's default.",
    examples: [pipelineExample],
  },
);
export type PipelineSpec = Static<typeof PipelineSpec>;

/** A pipeline (the draft) as answered. */
export const Pipeline = Type.Object(
  {
    name: AssetName,
    description: Type.Optional(Type.String()),
    parameters: Parameters,
    steps: Type.Array(PipelineStep),
    status: stringEnum(['Draft'] as const, { description: 'A saved pipeline is a draft until published.' }),
    latestVersion: Type.Optional(VersionNumber),
    updatedAt: Type.Optional(Timestamp),
  },
  {
    title: 'Pipeline',
    description: 'A pipeline draft.',
    examples: [{ name: 'nightly', status: 'Draft', ...pipelineExample }],
  },
);
export type Pipeline = Static<typeof Pipeline>;

/** `POST api/pipelines/{name}/publish`. */
export const PublishedPipeline = Type.Object(
  { name: AssetName, version: VersionNumber, runUri: Type.String({ description: 'POST here to run this version.' }) },
  {
    title: 'PublishedPipeline',
    description: 'An immutable published version.',
    examples: [{ name: 'nightly', version: 1, runUri: 'http://localhost:7071/api/pipelines/nightly/versions/1/runs' }],
  },
);
export type PublishedPipeline = Static<typeof PublishedPipeline>;

/** `POST api/pipelines/{name}/versions/{version}/runs`. */
export const PipelineRunRequest = closedObject(
  'PipelineRunRequest',
  { parameters: Type.Optional(Parameters), experiment: Type.Optional(AssetName) },
  {
    description: 'Starts a run; parameters left out take their defaults.',
    examples: [{ parameters: { inputPath: 'incoming/2024-06-01.csv' } }, {}],
  },
);
export type PipelineRunRequest = Static<typeof PipelineRunRequest>;

/** A published version as answered (`GET api/pipelines/{name}/versions/{version}`). */
export const PipelineVersion = Type.Object(
  {
    name: AssetName,
    version: VersionNumber,
    description: Type.Optional(Type.String()),
    parameters: Parameters,
    steps: Type.Array(PipelineStep),
    enabled: Type.Boolean({
      description: 'A disabled version refuses new runs (REST and schedules) until enabled again.',
    }),
    runUri: Type.String({ description: 'POST here to run this version.' }),
    publishedAt: Timestamp,
    updatedAt: Type.Optional(Timestamp),
  },
  {
    title: 'PipelineVersion',
    description: 'An immutable published version of a pipeline.',
    examples: [
      {
        name: 'nightly',
        version: 1,
        enabled: true,
        runUri: 'http://localhost:7071/api/pipelines/nightly/versions/1/runs',
        publishedAt: '2024-06-01T12:00:00.000Z',
        ...pipelineExample,
      },
    ],
  },
);
export type PipelineVersion = Static<typeof PipelineVersion>;

export const PipelineList = listOf(Pipeline, 'PipelineList');
export const PipelineVersionList = listOf(PipelineVersion, 'PipelineVersionList');

/** `PATCH api/pipelines/{name}/versions/{version}`: disable or enable a published version. */
export const PipelineVersionPatch = closedObject(
  'PipelineVersionPatch',
  {
    enabled: Type.Boolean({
      description: 'false disables the version: runs and schedule fires are refused (409) until it is enabled again.',
    }),
  },
  {
    description: 'Enables or disables a published version.',
    examples: [{ enabled: false }],
  },
);
export type PipelineVersionPatch = Static<typeof PipelineVersionPatch>;

export const PipelineParams = Type.Object({ name: AssetName });
export const PipelineVersionParams = Type.Object({ name: AssetName, version: VersionNumber });
