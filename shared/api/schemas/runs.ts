/** Runs (batch jobs, pipeline runs and their steps), their logs, and the experiments that group them. */
import { Type, type Static } from '@sinclair/typebox';
import { AssetName, ErrorInfo, Parameters, RunId, Timestamp, listOf } from './common';
import { RunStatus } from './batchJobs';

/** A run of a batch job, a pipeline or a pipeline step. */
export const Run = Type.Object(
  {
    id: Type.String(),
    kind: Type.String({
      description: 'What ran: `batch` (a batch job), `pipeline`, or a step kind (`batch-score`, `copy`, `move`).',
      examples: ['pipeline'],
    }),
    status: RunStatus,
    experiment: Type.Optional(Type.String()),
    parameters: Parameters,
    metrics: Type.Record(Type.String(), Type.Number(), { description: 'Named numeric results (e.g. `rowsScored`).' }),
    parentRunId: Type.Optional(Type.String({ description: 'The pipeline run a step run belongs to.' })),
    children: Type.Array(Type.String(), { description: 'Ids of the step runs of a pipeline run.' }),
    outputs: Type.Record(Type.String(), Type.Unknown(), {
      description: 'Named outputs, e.g. `{"predictions": {"datastore", "path"}}`.',
    }),
    pipeline: Type.Optional(Type.String({ description: 'The `name:version` of a pipeline run.' })),
    schedule: Type.Optional(Type.String({ description: 'The schedule that started the run.' })),
    error: Type.Optional(ErrorInfo),
    createdAt: Timestamp,
    startedAt: Type.Optional(Timestamp),
    endedAt: Type.Optional(Timestamp),
  },
  {
    title: 'Run',
    description: 'A run.',
    examples: [
      {
        id: 'run-1',
        kind: 'pipeline',
        status: 'Completed',
        experiment: 'nightly',
        parameters: { inputPath: 'incoming/a.csv' },
        metrics: { rowsScored: 150 },
        children: ['run-1-score'],
        outputs: {},
        createdAt: '2024-06-01T02:00:00.000Z',
      },
    ],
  },
);
export type Run = Static<typeof Run>;

export const RunList = Type.Object(
  {
    value: Type.Array(Run),
    nextLink: Type.Optional(Type.String({ description: 'The next page, when there is one.' })),
  },
  { title: 'RunList', description: 'Runs, newest first.' },
);
export type RunList = Static<typeof RunList>;

/** `GET api/runs?experiment=&status=&top=`. */
export const RunQuery = Type.Object({
  experiment: Type.Optional(AssetName),
  status: Type.Optional(RunStatus),
  kind: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'Only runs of this kind: `batch`, `pipeline`, `batch-score`, `copy` or `move`.',
    }),
  ),
  top: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'At most this many runs (default 100).' })),
  continuationToken: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 8192,
      description:
        "Where the previous page ended: follow the answer's `nextLink`, which carries it. Opaque: a token " +
        'that was not handed out (garbled, truncated) is a 400.',
    }),
  ),
});
export type RunQuery = Static<typeof RunQuery>;

/** One log line of a run. */
export const RunLogEntry = Type.Object(
  { time: Timestamp, level: Type.Optional(Type.String({ examples: ['info'] })), message: Type.String() },
  { title: 'RunLogEntry', description: 'A log line.' },
);
export type RunLogEntry = Static<typeof RunLogEntry>;

/** `GET api/runs/{id}/logs`. */
export const RunLogs = Type.Object(
  { runId: Type.String(), value: Type.Array(RunLogEntry, { description: 'Log lines, oldest first.' }) },
  {
    title: 'RunLogs',
    description: 'The log of a run.',
    examples: [
      {
        runId: 'run-1',
        value: [{ time: '2024-06-01T02:00:01.000Z', level: 'info', message: 'planned 10 mini-batches' }],
      },
    ],
  },
);
export type RunLogs = Static<typeof RunLogs>;

/** Experiments group runs by name. */
export const Experiment = Type.Object(
  { name: AssetName, runCount: Type.Integer({ minimum: 0 }), lastRunAt: Type.Optional(Timestamp) },
  {
    title: 'Experiment',
    description: 'An experiment.',
    examples: [{ name: 'nightly', runCount: 12, lastRunAt: '2024-06-01T02:00:00.000Z' }],
  },
);
export type Experiment = Static<typeof Experiment>;

export const ExperimentList = listOf(Experiment, 'ExperimentList');
export type ExperimentList = Static<typeof ExperimentList>;

export const RunParams = Type.Object({ id: RunId });
