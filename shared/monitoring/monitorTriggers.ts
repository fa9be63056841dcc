/**
 * Fires the monitors whose trigger is due: for each, the latest tick at or before now that is after
 * its last fire (and after the trigger became active) starts one run with id `monitor-<name>-<tick>`,
 * with the window ending at the tick.
 *
 * @example const started = await dueMonitorTicks(new Date(), start, (message) => context.warn(message));
 */
import { nextTick } from './monitorDocuments';
import { startMonitorRun, type MonitorRunStarter } from './monitorRuns';
import { listMonitorDocs, recordMonitorFire } from './monitorStore';

/** Ticks looked through per monitor and timer run, so a long downtime costs one run, not thousands. */
const MAX_TICKS = 10_000;

export async function dueMonitorTicks(
  now: Date,
  start: MonitorRunStarter,
  warn: (message: string) => void,
): Promise<number> {
  let started = 0;
  for (const doc of await listMonitorDocs()) {
    if (!doc.trigger) continue;
    let due: Date | undefined;
    let cursor = new Date(Date.parse(doc.lastFireTime ?? doc.activeSince));
    for (let i = 0; i < MAX_TICKS; i++) {
      const tick = nextTick(doc.trigger, doc.activeSince, cursor);
      if (!tick || tick > now) break;
      due = tick;
      cursor = tick;
    }
    if (!due) continue;
    try {
      const tickId = due.toISOString().replace(/[-:.]/g, '');
      await startMonitorRun(doc.name, start, { end: due, runId: `monitor-${doc.name}-${tickId}` });
      await recordMonitorFire(doc.name, due);
      started++;
    } catch (error) {
      warn(`monitor '${doc.name}' could not start its run for ${due.toISOString()}: ${(error as Error).message}`);
    }
  }
  return started;
}
