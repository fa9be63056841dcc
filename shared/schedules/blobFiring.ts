/**
 * What the blob trigger does with a new or changed blob: every enabled change-based schedule whose
 * datastore holds the blob and whose pattern matches its datastore-relative path fires once for this
 * blob version, under the id derived from schedule, blob and ETag (`blobFireId`), with the path in
 * the parameter the trigger names (default `inputPath`). Blobs last written before the schedule became
 * live do not fire it (a new schedule does not replay old data). Schedules with `pollingIntervalSeconds`
 * are left to the scheduler timer's poll (`blobPolling.ts`), which fires them the same way.
 *
 * @example await fireOnBlobChange({ container: 'landing', name: 'incoming/a.csv', etag: '"0x8D…"' }, { start, log });
 */
import { readDatastoreDoc, type DatastoreDoc } from '../datastores/datastoreStore';
import type { RunStarter } from '../pipelines/pipelineRuns';
import type { SchedulerLog } from './cronFiring';
import { blobFireId } from './fireIds';
import { compilePathGlob } from './pathGlob';
import { DEFAULT_PATH_PARAMETER } from './scheduleChecks';
import { isDataChangeTrigger, type ScheduleDoc } from './scheduleDocuments';
import { fireSchedule, type FireOutcome } from './scheduleFiring';
import { listEnabledSchedules } from './scheduleStore';

export interface BlobChange {
  container: string;
  /** The blob name in its container. */
  name: string;
  etag: string;
  lastModified?: Date;
}

export interface BlobFire {
  schedule: string;
  runId: string;
  path: string;
  outcome: FireOutcome;
}

/** Storage and app clocks differ a little; a blob this much older than the schedule still counts as new. */
const CLOCK_SKEW_MS = 5_000;

/** The datastore-relative path of the blob when `doc` watches it, else undefined. */
function watchedPath(doc: ScheduleDoc, datastore: DatastoreDoc, blob: BlobChange): string | undefined {
  if (!isDataChangeTrigger(doc.trigger) || datastore.container !== blob.container) return undefined;
  const prefix = datastore.prefix ?? '';
  if (!blob.name.startsWith(prefix)) return undefined;
  const path = blob.name.slice(prefix.length);
  if (!compilePathGlob(doc.trigger.pathPattern).matches(path)) return undefined;
  if (blob.lastModified && blob.lastModified.getTime() < Date.parse(doc.activeSince) - CLOCK_SKEW_MS) return undefined;
  return path;
}

/** Fires `doc` for `blob` when it watches it (the same run id however the change was seen). */
export async function fireForBlob(
  doc: ScheduleDoc,
  datastore: DatastoreDoc,
  blob: BlobChange,
  options: { start: RunStarter; log: SchedulerLog; now?: Date },
): Promise<BlobFire | undefined> {
  if (!isDataChangeTrigger(doc.trigger)) return undefined;
  const path = watchedPath(doc, datastore, blob);
  if (!path) return undefined;
  const runId = blobFireId(doc, blob);
  const parameter = doc.trigger.parameterName ?? DEFAULT_PATH_PARAMETER;
  const outcome = await fireSchedule(
    doc,
    runId,
    { fireTime: (options.now ?? new Date()).toISOString(), path, etag: blob.etag },
    { [parameter]: path },
    options.start,
  );
  if (outcome !== 'duplicate')
    options.log(
      outcome === 'failed' ? 'warn' : 'info',
      `schedule '${doc.name}' fired for ${blob.container}/${blob.name} (${blob.etag}): run ${runId} ${outcome}`,
    );
  return { schedule: doc.name, runId, path, outcome };
}

/** Fires the event-driven schedules that watch `blob`; throws when one could not be fired, so the trigger retries. */
export async function fireOnBlobChange(
  blob: BlobChange,
  options: { start: RunStarter; log: SchedulerLog; now?: Date },
): Promise<BlobFire[]> {
  const fires: BlobFire[] = [];
  const failures: string[] = [];
  const datastores = new Map<string, Promise<DatastoreDoc | undefined>>();
  const datastoreOf = (name: string) => {
    if (!datastores.has(name))
      datastores.set(
        name,
        readDatastoreDoc(name).catch(() => undefined),
      );
    return datastores.get(name)!;
  };
  for (const doc of await listEnabledSchedules('blob')) {
    if (!isDataChangeTrigger(doc.trigger) || doc.trigger.pollingIntervalSeconds !== undefined) continue;
    try {
      const datastore = await datastoreOf(doc.trigger.datastore);
      const fire = datastore && (await fireForBlob(doc, datastore, blob, options));
      if (fire) fires.push(fire);
    } catch (error) {
      failures.push(`schedule '${doc.name}': ${(error as Error).message}`);
    }
  }
  if (failures.length) throw new Error(`Blob ${blob.container}/${blob.name} could not fire ${failures.join('; ')}`);
  return fires;
}
