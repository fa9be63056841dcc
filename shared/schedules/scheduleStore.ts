/**
 * Schedules: create or replace (`PUT`), read with history, list, delete; the timer and the blob
 * trigger read the enabled ones and record the latest cron tick fired. Every write is an ETag
 * compare-and-swap, so a `PUT` never loses a concurrent fire's `lastFireTime` and vice versa.
 *
 * @example
 *   const { schedule, created } = await putSchedule('nightly-2am', spec, { watchedContainer: 'workspaceblobstore' });
 */
import { randomUUID } from 'node:crypto';
import type { Schedule, ScheduleSpec } from '../api/schemas';
import { SibylError } from '../errors';
import { isNotFound } from '../storage/cosmosErrors';
import { deleteItem } from '../storage/deleteItem';
import { readTypedDoc } from '../storage/readTypedDoc';
import { getContainer } from '../storage/cosmosDatabase';
import { etagOf, updateWithEtag as updateDoc } from '../storage/updateWithEtag';
import { updateWithEtag } from '../storage/versionCounter';
import { checkSchedule } from './scheduleChecks';
import { isCronTrigger, toSchedule, type ScheduleDoc } from './scheduleDocuments';
import { scheduleHistory } from './scheduleHistory';

const schedules = () => getContainer('schedules');

function scheduleNotFound(name: string): SibylError {
  return new SibylError(
    'ScheduleNotFound',
    `Schedule '${name.slice(0, 255)}' does not exist. Create it with PUT api/schedules/${name.slice(0, 255)}.`,
  );
}

function readDoc(name: string): Promise<ScheduleDoc | undefined> {
  return readTypedDoc<ScheduleDoc>(schedules(), name, name, 'schedule');
}

/** The document `spec` makes of `existing` (or of nothing): the trigger restarts when it changed or was enabled again. */
function nextDoc(name: string, spec: ScheduleSpec, existing: ScheduleDoc | undefined, now: string): ScheduleDoc {
  const enabled = spec.enabled ?? true;
  const restarted =
    !existing || JSON.stringify(existing.trigger) !== JSON.stringify(spec.trigger) || (enabled && !existing.enabled);
  return {
    id: name,
    type: 'schedule',
    name,
    uid: existing?.uid ?? randomUUID(),
    kind: isCronTrigger(spec.trigger) ? 'cron' : 'blob',
    pipeline: spec.pipeline,
    ...(spec.parameters ? { parameters: spec.parameters } : {}),
    enabled,
    trigger: spec.trigger,
    activeSince: restarted || !existing ? now : existing.activeSince,
    ...(existing?.lastFireTime ? { lastFireTime: existing.lastFireTime } : {}),
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
}

/**
 * Creates or replaces `name`; `created` says which (201 vs 200). With `ifMatch` (the request's
 * `If-Match`), only the version the client read is replaced (412 otherwise).
 */
export async function putSchedule(
  name: string,
  spec: ScheduleSpec,
  options: { watchedContainer: string; ifMatch?: string },
): Promise<{ schedule: Schedule; created: boolean; etag: string }> {
  await checkSchedule(spec, options);
  const saved = await updateDoc<ScheduleDoc>(
    schedules(),
    name,
    name,
    (existing) => nextDoc(name, spec, existing, new Date().toISOString()),
    {
      ifMatch: options.ifMatch,
      what: `Schedule '${name}'`,
    },
  );
  const { doc, created, etag } = saved!;
  return { schedule: toSchedule(doc, created ? [] : await scheduleHistory(doc)), created, etag };
}

/** The schedule with its history, and the ETag of its document (for `If-Match` on a later PUT). */
export async function readSchedule(name: string): Promise<{ schedule: Schedule; etag: string | undefined }> {
  const doc = await readDoc(name);
  if (!doc) throw scheduleNotFound(name);
  return { schedule: toSchedule(doc, await scheduleHistory(doc)), etag: etagOf(doc) };
}

export async function getSchedule(name: string): Promise<Schedule> {
  return (await readSchedule(name)).schedule;
}

export async function listSchedules(): Promise<Schedule[]> {
  const { resources } = await schedules()
    .items.query<ScheduleDoc>("SELECT * FROM c WHERE c.type = 'schedule'")
    .fetchAll();
  const sorted = resources.sort((a, b) => a.name.localeCompare(b.name));
  return Promise.all(sorted.map(async (doc) => toSchedule(doc, await scheduleHistory(doc))));
}

/** Deletes `name`; its runs stay. */
export async function deleteSchedule(name: string): Promise<void> {
  if (!(await deleteItem(schedules(), name, name))) throw scheduleNotFound(name);
}

/** The enabled schedules of one trigger kind. */
export async function listEnabledSchedules(kind: ScheduleDoc['kind']): Promise<ScheduleDoc[]> {
  const { resources } = await schedules()
    .items.query<ScheduleDoc>({
      query: "SELECT * FROM c WHERE c.type = 'schedule' AND c.enabled = true AND c.kind = @kind",
      parameters: [{ name: '@kind', value: kind }],
    })
    .fetchAll();
  return resources;
}

/**
 * Moves `field` of this lifetime (`uid`) of the schedule forward to `time`; an earlier time, another lifetime or a
 * deleted schedule leaves it as it is.
 */
async function recordLatest(
  doc: Pick<ScheduleDoc, 'name' | 'uid'>,
  field: 'lastPolledAt' | 'lastFireTime',
  time: Date,
): Promise<void> {
  const at = time.toISOString();
  await updateWithEtag<ScheduleDoc>(schedules(), doc.name, doc.name, (current) => {
    const recorded = current[field];
    return current.uid !== doc.uid || (recorded !== undefined && recorded >= at)
      ? undefined
      : { ...current, [field]: at };
  }).catch((error: unknown) => {
    if (!isNotFound(error)) throw error; // deleted meanwhile
  });
}

/** Records when this lifetime (`uid`) of a polling schedule last listed its datastore. */
export function recordPoll(doc: Pick<ScheduleDoc, 'name' | 'uid'>, time: Date): Promise<void> {
  return recordLatest(doc, 'lastPolledAt', time);
}

/** Records that the tick `fireTime` of this lifetime (`uid`) of the schedule has fired. */
export function recordCronFire(doc: Pick<ScheduleDoc, 'name' | 'uid'>, fireTime: Date): Promise<void> {
  return recordLatest(doc, 'lastFireTime', fireTime);
}
