/**
 * Model monitoring: a deployment's `dataCollection` (what it scores, written as JSON lines in Azure ML's
 * layout) and monitors that compare a window of collected data with a baseline, feature by feature.
 * These shapes are wire formats: changing one breaks clients.
 */
import { Type, type Static } from '@sinclair/typebox';
import {
  AssetName,
  DatastoreName,
  DeploymentName,
  EndpointName,
  Timestamp,
  blobPath,
  closedObject,
  listOf,
  stringEnum,
} from './common';
import { RunStatus } from './batchJobs';
import { CronTrigger } from './schedules';

export const Collection = stringEnum(['model_inputs', 'model_outputs'] as const, {
  description: 'What is collected: the decoded inputs or the outputs of each request.',
});
export type Collection = Static<typeof Collection>;

/** `Deployment.dataCollection`. */
export const DataCollection = closedObject(
  'DataCollection',
  {
    enabled: Type.Boolean({ description: 'Whether scored requests are collected.' }),
    samplingRate: Type.Optional(
      Type.Number({ minimum: 0, maximum: 1, description: 'Share of requests collected, 0 to 1 (default 1).' }),
    ),
    collections: Type.Optional(
      Type.Array(Collection, {
        minItems: 1,
        uniqueItems: true,
        description: 'Default both `model_inputs` and `model_outputs`.',
      }),
    ),
    datastore: Type.Optional(DatastoreName),
  },
  {
    description:
      'Collects what the deployment scores as JSON lines under `<endpoint>/<deployment>/<collection>/YYYY/MM/DD/HH/` ' +
      'in `datastore` (default `workspaceblobstore`); ' +
      'each line has `correlationid` (the request id), `time` and `data` (one object per row).',
    examples: [
      {
        enabled: true,
        samplingRate: 0.5,
        collections: ['model_inputs', 'model_outputs'],
        datastore: 'workspaceblobstore',
      },
    ],
  },
);
export type DataCollection = Static<typeof DataCollection>;

export const DriftMetric = stringEnum(['psi', 'jensenShannon', 'wasserstein', 'ks'] as const, {
  description:
    'Distance between the baseline and current histograms: population stability index, Jensen-Shannon distance (base 2), ' +
    'Wasserstein distance divided by the baseline standard deviation, or the Kolmogorov-Smirnov statistic. ' +
    'On categorical features `wasserstein` and `ks` are the total variation distance.',
});
export type DriftMetric = Static<typeof DriftMetric>;

export const DriftSignal = closedObject(
  'DriftSignal',
  {
    metric: DriftMetric,
    threshold: Type.Number({ minimum: 0, description: 'A feature drifted when its metric value is above this.' }),
  },
  { examples: [{ metric: 'psi', threshold: 0.2 }] },
);
export type DriftSignal = Static<typeof DriftSignal>;

export const MonitorBaseline = closedObject(
  'MonitorBaseline',
  {
    datastore: DatastoreName,
    path: blobPath('A file, or a folder whose files of `format` are all read.'),
    format: stringEnum(['csv', 'jsonl'] as const, {
      description: 'CSV with a header row, or JSON lines (row objects, or collected lines with `data`).',
    }),
  },
  {
    description: 'The reference data, typically the training set.',
    examples: [{ datastore: 'workspaceblobstore', path: 'training/iris.csv', format: 'csv' }],
  },
);
export type MonitorBaseline = Static<typeof MonitorBaseline>;

export const Recurrence = closedObject(
  'Recurrence',
  {
    frequency: stringEnum(['minute', 'hour', 'day', 'week'] as const),
    interval: Type.Integer({ minimum: 1, maximum: 1000, description: 'Every `interval` units of `frequency`.' }),
  },
  {
    description: 'Runs every `interval` `frequency` from when the monitor was defined.',
    examples: [{ frequency: 'day', interval: 1 }],
  },
);
export type Recurrence = Static<typeof Recurrence>;

export const MonitorTrigger = Type.Union([CronTrigger, Recurrence], {
  title: 'MonitorTrigger',
  description: 'A cron trigger (as schedules use) or a recurrence.',
});
export type MonitorTrigger = Static<typeof MonitorTrigger>;

const FEATURE = Type.String({ minLength: 1, maxLength: 256 });

const specFields = {
  endpoint: EndpointName,
  deployment: DeploymentName,
  baseline: MonitorBaseline,
  features: Type.Optional(
    Type.Array(FEATURE, {
      minItems: 1,
      maxItems: 500,
      uniqueItems: true,
      description: 'Input columns watched for data drift (default: every input column).',
    }),
  ),
  signals: Type.Object(
    { dataDrift: Type.Optional(DriftSignal), predictionDrift: Type.Optional(DriftSignal) },
    {
      additionalProperties: false,
      description:
        '`dataDrift` compares inputs with the baseline; `predictionDrift` compares outputs with the baseline columns of the same names.',
    },
  ),
  window: Type.Optional(
    Type.String({
      pattern: '^P(?:[0-9]{1,4}D)?(?:T(?:[0-9]{1,4}H)?(?:[0-9]{1,5}M)?)?$',
      description: 'How far back a run looks, an ISO 8601 duration in days, hours and minutes (default `PT24H`).',
      examples: ['PT24H', 'P7D'],
    }),
  ),
  trigger: Type.Optional(MonitorTrigger),
};

/** `PUT api/monitors/{name}`. */
export const MonitorSpec = closedObject('MonitorSpec', specFields, {
  description: 'Creates (201) or replaces (200) a monitor.',
  examples: [
    {
      endpoint: 'iris',
      deployment: 'blue',
      baseline: { datastore: 'workspaceblobstore', path: 'training/iris.csv', format: 'csv' },
      signals: { dataDrift: { metric: 'psi', threshold: 0.2 } },
      window: 'PT24H',
      trigger: { cron: '0 0 * * * *' },
    },
  ],
});
export type MonitorSpec = Static<typeof MonitorSpec>;

/** Counts per bin: numeric bins have `edges` (one more than counts), categorical ones `categories`. */
export const FeatureHistogram = Type.Object(
  {
    kind: stringEnum(['numeric', 'categorical'] as const),
    edges: Type.Optional(Type.Array(Type.Number())),
    categories: Type.Optional(Type.Array(Type.String())),
    baseline: Type.Array(Type.Number({ minimum: 0 })),
    current: Type.Array(Type.Number({ minimum: 0 })),
  },
  { title: 'FeatureHistogram', description: 'The baseline and current counts the metric was computed from.' },
);
export type FeatureHistogram = Static<typeof FeatureHistogram>;

export const FeatureResult = Type.Object(
  {
    name: Type.String(),
    signal: stringEnum(['dataDrift', 'predictionDrift'] as const),
    metric: DriftMetric,
    value: Type.Union([Type.Number(), Type.Null()], {
      description: 'Null when the window or the baseline had no value of the feature.',
    }),
    threshold: Type.Number(),
    drifted: Type.Boolean(),
    histogram: FeatureHistogram,
  },
  { title: 'FeatureResult' },
);
export type FeatureResult = Static<typeof FeatureResult>;

export const MonitorResult = Type.Object(
  {
    runId: Type.String(),
    status: RunStatus,
    windowStart: Timestamp,
    windowEnd: Timestamp,
    rows: Type.Object(
      { baseline: Type.Integer(), inputs: Type.Integer(), outputs: Type.Integer() },
      { description: 'Rows read from each source.' },
    ),
    features: Type.Array(FeatureResult),
    drifted: Type.Array(Type.String(), { description: 'Names of the drifted features.' }),
    completedAt: Timestamp,
  },
  { title: 'MonitorResult', description: 'What one monitor run found.' },
);
export type MonitorResult = Static<typeof MonitorResult>;

/** One completed run, compactly: the metric value of each feature, keyed `<signal>:<feature>`. */
export const MonitorHistoryEntry = Type.Object(
  {
    runId: Type.String(),
    completedAt: Timestamp,
    values: Type.Record(Type.String(), Type.Union([Type.Number(), Type.Null()])),
    drifted: Type.Array(Type.String()),
  },
  { title: 'MonitorHistoryEntry' },
);
export type MonitorHistoryEntry = Static<typeof MonitorHistoryEntry>;

export const Monitor = Type.Object(
  {
    name: AssetName,
    ...specFields,
    nextRunTime: Type.Optional(Timestamp),
    lastResult: Type.Optional(MonitorResult),
    history: Type.Array(MonitorHistoryEntry, { description: 'Completed runs, oldest first (the latest 100).' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'Monitor', description: 'A monitor with the result of its latest completed run.' },
);
export type Monitor = Static<typeof Monitor>;

export const MonitorList = listOf(Monitor, 'MonitorList');
export type MonitorList = Static<typeof MonitorList>;

export const MonitorParams = Type.Object({ name: AssetName });
