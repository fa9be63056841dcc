/**
 * Change-based schedules with `pollingIntervalSeconds`: instead of waiting for blob events, the
 * scheduler timer lists the schedule's datastore (under the pattern's literal folder) once per
 * interval and fires every blob version it has not fired yet, through the same `fireForBlob` as the
 * blob trigger — the run id comes from schedule, blob and ETag, so a version never starts two runs
 * however often it is listed. This is what lets a schedule watch a datastore outside the blob
 * trigger's container, and what the interval means: how often the datastore is checked.
 *
 * @example await pollDataChangeSchedules({ now: new Date(), start, log });
 */
import { containerOf } from '../datastores/datastorePaths';
import { readDatastoreDoc } from '../datastores/datastoreStore';
import type { RunStarter } from '../pipelines/pipelineRuns';
import { fireForBlob, type BlobFire } from './blobFiring';
import type { SchedulerLog } from './cronFiring';
import { compilePathGlob } from './pathGlob';
import { isDataChangeTrigger, type ScheduleDoc } from './scheduleDocuments';
import { listEnabledSchedules, recordPoll } from './scheduleStore';

export interface PollingOptions {
  now: Date;
  start: RunStarter;
  log: SchedulerLog;
}

/** Whether `doc` polls and its interval has passed since its last poll. */
export function pollIsDue(doc: ScheduleDoc, now: Date): boolean {
  if (!isDataChangeTrigger(doc.trigger) || doc.trigger.pollingIntervalSeconds === undefined) return false;
  return !doc.lastPolledAt || now.getTime() - Date.parse(doc.lastPolledAt) >= doc.trigger.pollingIntervalSeconds * 1000;
}

async function poll(doc: ScheduleDoc, options: PollingOptions): Promise<BlobFire[]> {
  if (!isDataChangeTrigger(doc.trigger)) return [];
  const datastore = await readDatastoreDoc(doc.trigger.datastore);
  const prefix = `${datastore.prefix ?? ''}${compilePathGlob(doc.trigger.pathPattern).prefix}`;
  const fires: BlobFire[] = [];
  for await (const item of containerOf(datastore).listBlobsFlat({ prefix })) {
    const etag = item.properties.etag;
    if (!etag) continue;
    const fire = await fireForBlob(
      doc,
      datastore,
      { container: datastore.container, name: item.name, etag, lastModified: item.properties.lastModified },
      options,
    );
    if (fire) fires.push(fire);
  }
  await recordPoll(doc, options.now);
  return fires;
}

/** Polls every polling schedule whose interval has passed; one schedule's failure is logged and does not stop the others. */
export async function pollDataChangeSchedules(options: PollingOptions): Promise<BlobFire[]> {
  const fires: BlobFire[] = [];
  for (const doc of await listEnabledSchedules('blob')) {
    if (!pollIsDue(doc, options.now)) continue;
    try {
      fires.push(...(await poll(doc, options)));
    } catch (error) {
      options.log('error', `schedule '${doc.name}': polling its datastore failed: ${(error as Error).message}`);
    }
  }
  return fires;
}
