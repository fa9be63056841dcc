/**
 * Schedules run a published pipeline on a cron timer or when a blob lands in a datastore path.
 * The cron text is parsed by the schedule service (NCRONTAB, `shared/schedules/ncrontab.ts`).
 */
import { Type, type Static } from '@sinclair/typebox';
import { AssetName, DatastoreName, Parameters, PipelineRef, Timestamp, blobPath, closedObject, listOf } from './common';
import { RunStatus } from './batchJobs';

/** `{cron, timeZone?}`. */
export const CronTrigger = closedObject(
  'CronTrigger',
  {
    cron: Type.String({
      minLength: 1,
      maxLength: 256,
      description:
        'NCRONTAB, 6 fields: `second minute hour day month day-of-week`, e.g. `0 */5 * * * *`; ' +
        'or the 5-field form Azure ML uses (`minute hour day month day-of-week`, second 0).',
    }),
    timeZone: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'IANA time zone the fields are read in (default UTC), e.g. `Europe/Paris`.',
      }),
    ),
    startTime: Type.Optional(Type.String({ format: 'date-time', description: 'No fire before this time (RFC 3339).' })),
    endTime: Type.Optional(Type.String({ format: 'date-time', description: 'No fire after this time (RFC 3339).' })),
  },
  {
    description: 'Fires on a timer.',
    examples: [{ cron: '0 0 2 * * *', timeZone: 'UTC' }],
  },
);
export type CronTrigger = Static<typeof CronTrigger>;

/** `{datastore, pathPattern, parameterName?, pollingIntervalSeconds?}`. */
export const DataChangeTrigger = closedObject(
  'DataChangeTrigger',
  {
    datastore: DatastoreName,
    pathPattern: blobPath(
      'Blobs to watch, relative to the datastore, e.g. `incoming/*.csv`; ' +
        'subfolders are not watched unless the pattern says so.',
    ),
    parameterName: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$',
        description: "The pipeline parameter that receives the changed blob's path (default `inputPath`).",
      }),
    ),
    pollingIntervalSeconds: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 86400,
        description:
          'Poll the datastore this often instead of reacting to blob events: ' +
          'each new blob version fires within about this many seconds (no sooner than the scheduler timer runs). ' +
          'Lets a schedule watch a datastore outside the container blob events are watched in.',
      }),
    ),
  },
  {
    description: 'Fires once per new or changed blob.',
    examples: [
      {
        datastore: 'workspaceblobstore',
        pathPattern: 'incoming/*.csv',
        parameterName: 'inputPath',
        pollingIntervalSeconds: 60,
      },
    ],
  },
);
export type DataChangeTrigger = Static<typeof DataChangeTrigger>;

export const ScheduleTrigger = Type.Union([CronTrigger, DataChangeTrigger], {
  title: 'ScheduleTrigger',
  description: 'A cron trigger or a data-change trigger.',
});
export type ScheduleTrigger = Static<typeof ScheduleTrigger>;

const specFields = {
  pipeline: PipelineRef,
  parameters: Type.Optional(Parameters),
  enabled: Type.Optional(Type.Boolean({ description: 'Whether the schedule fires (default true).' })),
  trigger: ScheduleTrigger,
};

/** `PUT api/schedules/{name}`. */
export const ScheduleSpec = closedObject('ScheduleSpec', specFields, {
  description: 'Creates (201) or replaces (200) a schedule.',
  examples: [
    { pipeline: 'nightly:1', enabled: true, trigger: { cron: '0 0 2 * * *' } },
    {
      pipeline: 'nightly:1',
      parameters: { threshold: 0.5 },
      enabled: true,
      trigger: { datastore: 'workspaceblobstore', pathPattern: 'incoming/*.csv' },
    },
  ],
});
export type ScheduleSpec = Static<typeof ScheduleSpec>;

/** One firing of a schedule. */
export const ScheduleFiring = Type.Object(
  {
    fireTime: Timestamp,
    runId: Type.String(),
    status: RunStatus,
    late: Type.Optional(
      Type.Boolean({ description: 'The tick was missed (downtime) and fired once when the scheduler ran again.' }),
    ),
    path: Type.Optional(
      Type.String({ description: 'The changed blob, relative to the datastore (change-based schedules).' }),
    ),
  },
  {
    title: 'ScheduleFiring',
    description: 'A run the schedule started (`fireTime`: the cron tick, or when the blob change was seen).',
  },
);
export type ScheduleFiring = Static<typeof ScheduleFiring>;

/** A schedule as answered, with its recent history. */
export const Schedule = Type.Object(
  {
    name: AssetName,
    ...specFields,
    enabled: Type.Boolean(),
    history: Type.Array(ScheduleFiring, { description: 'Recent firings, newest first.' }),
    nextFireTime: Type.Optional(Timestamp),
    createdAt: Type.Optional(Timestamp),
    updatedAt: Type.Optional(Timestamp),
  },
  {
    title: 'Schedule',
    description: 'A schedule.',
    examples: [
      {
        name: 'nightly-2am',
        pipeline: 'nightly:1',
        enabled: true,
        trigger: { cron: '0 0 2 * * *' },
        history: [{ fireTime: '2024-06-01T02:00:00.000Z', runId: 'run-1', status: 'Completed' }],
      },
    ],
  },
);
export type Schedule = Static<typeof Schedule>;

export const ScheduleList = listOf(Schedule, 'ScheduleList');
export type ScheduleList = Static<typeof ScheduleList>;

export const ScheduleParams = Type.Object({ name: AssetName });
