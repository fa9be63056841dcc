/**
 * Monitors: create or replace (`PUT`), read, list, delete, and record a run's result. Writes are ETag
 * compare-and-swaps, so a result recorded while the monitor is replaced is kept.
 *
 * @example const { monitor, created } = await putMonitor('iris-drift', spec);
 */
import type { Monitor, MonitorResult, MonitorSpec } from '../api/schemas';
import { SibylError } from '../errors';
import { isConflict, isNotFound } from '../storage/cosmosErrors';
import { deleteItem } from '../storage/deleteItem';
import { getContainer } from '../storage/cosmosDatabase';
import { updateWithEtag } from '../storage/versionCounter';
import { checkMonitor } from './monitorChecks';
import { HISTORY_LENGTH, toMonitor, type MonitorDoc } from './monitorDocuments';

const monitors = () => getContainer('monitors');

export function monitorNotFound(name: string): SibylError {
  return new SibylError(
    'MonitorNotFound',
    `Monitor '${name.slice(0, 255)}' does not exist. Create it with PUT api/monitors/${name.slice(0, 255)}.`,
  );
}

export async function findMonitorDoc(name: string): Promise<MonitorDoc | undefined> {
  try {
    const { resource } = await monitors().item(name, name).read<MonitorDoc>();
    return resource?.type === 'monitor' ? resource : undefined;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export async function readMonitorDoc(name: string): Promise<MonitorDoc> {
  const doc = await findMonitorDoc(name);
  if (!doc) throw monitorNotFound(name);
  return doc;
}

function nextDoc(name: string, spec: MonitorSpec, existing: MonitorDoc | undefined, now: string): MonitorDoc {
  const triggerChanged = !existing || JSON.stringify(existing.trigger) !== JSON.stringify(spec.trigger);
  return {
    ...spec,
    id: name,
    type: 'monitor',
    name,
    activeSince: triggerChanged || !existing ? now : existing.activeSince,
    ...(existing?.lastFireTime && !triggerChanged ? { lastFireTime: existing.lastFireTime } : {}),
    ...(existing?.lastResult ? { lastResult: existing.lastResult } : {}),
    history: existing?.history ?? [],
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
}

/** Creates or replaces `name`; `created` says which (201 vs 200). */
export async function putMonitor(name: string, spec: MonitorSpec): Promise<{ monitor: Monitor; created: boolean }> {
  await checkMonitor(spec);
  for (let attempt = 0; attempt < 5; attempt++) {
    const now = new Date().toISOString();
    if (!(await findMonitorDoc(name))) {
      const doc = nextDoc(name, spec, undefined, now);
      try {
        await monitors().items.create(doc);
        return { monitor: toMonitor(doc), created: true };
      } catch (error) {
        if (!isConflict(error)) throw error;
        continue;
      }
    }
    const saved = await updateWithEtag<MonitorDoc>(monitors(), name, name, (existing) =>
      nextDoc(name, spec, existing, now),
    );
    if (saved) return { monitor: toMonitor(saved), created: false };
  }
  throw new SibylError('Conflict', `Monitor '${name}' is being created and deleted concurrently; try again.`);
}

export async function getMonitor(name: string): Promise<Monitor> {
  return toMonitor(await readMonitorDoc(name));
}

export async function listMonitorDocs(): Promise<MonitorDoc[]> {
  const { resources } = await monitors().items.query<MonitorDoc>("SELECT * FROM c WHERE c.type = 'monitor'").fetchAll();
  return resources.sort((a, b) => a.name.localeCompare(b.name));
}

export async function listMonitors(): Promise<Monitor[]> {
  return (await listMonitorDocs()).map((doc) => toMonitor(doc));
}

export async function deleteMonitor(name: string): Promise<void> {
  if (!(await deleteItem(monitors(), name, name))) throw monitorNotFound(name);
}

/** Stores a completed run's result as `lastResult` (unless a later run's is already there) and in the history. */
export async function recordMonitorResult(name: string, result: MonitorResult): Promise<void> {
  const values = Object.fromEntries(result.features.map((f) => [`${f.signal}:${f.name}`, f.value]));
  await updateWithEtag<MonitorDoc>(monitors(), name, name, (doc) => {
    if (doc.history.some((h) => h.runId === result.runId)) return undefined;
    const history = [
      ...doc.history,
      { runId: result.runId, completedAt: result.completedAt, values, drifted: result.drifted },
    ]
      .sort((a, b) => a.completedAt.localeCompare(b.completedAt))
      .slice(-HISTORY_LENGTH);
    const newer = !doc.lastResult || doc.lastResult.windowEnd <= result.windowEnd;
    return { ...doc, history, ...(newer ? { lastResult: result } : {}) };
  }).catch((error: unknown) => {
    if (!isNotFound(error)) throw error; // deleted meanwhile: the run keeps the result
  });
}

/** Records that the trigger tick `fireTime` was started (only moves forward). */
export async function recordMonitorFire(name: string, fireTime: Date): Promise<void> {
  const time = fireTime.toISOString();
  await updateWithEtag<MonitorDoc>(monitors(), name, name, (doc) =>
    doc.lastFireTime && doc.lastFireTime >= time ? undefined : { ...doc, lastFireTime: time },
  ).catch((error: unknown) => {
    if (!isNotFound(error)) throw error;
  });
}
