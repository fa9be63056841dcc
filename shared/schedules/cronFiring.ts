/**
 * What the scheduler timer does on each run: for every enabled cron schedule, find the tick that is
 * due (`dueTick`), fire it under the id derived from schedule and tick (`cronFireId`) and record it
 * as the schedule's last fire. Two timer runs for the same tick — a retried timer, two instances —
 * derive the same id and start one run. One schedule's failure is logged and does not stop the others.
 *
 * @example
 *   await fireDueCronSchedules({ now: new Date(), scheduler: parseSchedule('0 * * * * *'), start, log });
 */
import type { RunStarter } from '../pipelines/pipelineRuns';
import { dueTick } from './dueTick';
import { cronFireId } from './fireIds';
import type { Schedule } from './ncrontab';
import { cronOf, isCronTrigger, type ScheduleDoc } from './scheduleDocuments';
import { fireSchedule, type FireOutcome } from './scheduleFiring';
import { listEnabledSchedules, recordCronFire } from './scheduleStore';

export type SchedulerLog = (level: 'info' | 'warn' | 'error', message: string) => void;

export interface CronFiringOptions {
  now: Date;
  /** The scheduler timer's own schedule (to tell a late tick). */
  scheduler: Schedule;
  start: RunStarter;
  log: SchedulerLog;
}

export interface CronFire {
  schedule: string;
  runId: string;
  fireTime: string;
  late: boolean;
  outcome: FireOutcome;
}

async function fireIfDue(doc: ScheduleDoc, options: CronFiringOptions): Promise<CronFire | undefined> {
  if (!isCronTrigger(doc.trigger)) return undefined;
  const { startTime, endTime } = doc.trigger;
  const from = Math.max(
    Date.parse(doc.activeSince),
    doc.lastFireTime ? Date.parse(doc.lastFireTime) : 0,
    startTime ? Date.parse(startTime) - 1 : 0,
  );
  const tick = dueTick(cronOf(doc.trigger), {
    from: new Date(from),
    now: options.now,
    scheduler: options.scheduler,
    ...(endTime ? { endTime: new Date(endTime) } : {}),
  });
  if (!tick) return undefined;
  const runId = cronFireId(doc, tick.fireTime);
  const fireTime = tick.fireTime.toISOString();
  const outcome = await fireSchedule(doc, runId, { fireTime, ...(tick.late ? { late: true } : {}) }, {}, options.start);
  await recordCronFire(doc, tick.fireTime);
  return { schedule: doc.name, runId, fireTime, late: tick.late, outcome };
}

/** Fires every due cron schedule once; returns what happened to each that was due. */
export async function fireDueCronSchedules(options: CronFiringOptions): Promise<CronFire[]> {
  const fires: CronFire[] = [];
  for (const doc of await listEnabledSchedules('cron')) {
    try {
      const fire = await fireIfDue(doc, options);
      if (!fire) continue;
      fires.push(fire);
      if (fire.outcome !== 'duplicate')
        options.log(
          fire.outcome === 'failed' ? 'warn' : 'info',
          `schedule '${fire.schedule}' fired for ${fire.fireTime}${fire.late ? ' (late)' : ''}: run ${fire.runId} ${fire.outcome}`,
        );
    } catch (error) {
      options.log('error', `schedule '${doc.name}' could not fire: ${(error as Error).message}`);
    }
  }
  return fires;
}
