/**
 * Schedule documents (Cosmos container `schedules`, partition key `/name`, id = name). `uid` names
 * one lifetime of a schedule (a schedule deleted and created again gets a new one, so its history
 * and fire ids start afresh). `activeSince` is when the trigger last became live (created, changed or
 * enabled): ticks and blobs before it do not fire. `lastFireTime` is the latest cron tick fired;
 * `lastPolledAt` when a change-based schedule with `pollingIntervalSeconds` last listed its datastore.
 * Changing a field changes stored data and the public API (`Schedule`).
 */
import type { CronTrigger, DataChangeTrigger, Schedule, ScheduleFiring, ScheduleTrigger } from '../api/schemas';
import type { Schedule as CronSchedule } from './ncrontab';
import { parseSchedule } from './ncrontab';

export interface ScheduleDoc {
  id: string;
  type: 'schedule';
  name: string;
  uid: string;
  /** `cron` or `blob`, for queries. */
  kind: 'cron' | 'blob';
  pipeline: string;
  parameters?: Record<string, string | number | boolean>;
  enabled: boolean;
  trigger: ScheduleTrigger;
  activeSince: string;
  lastFireTime?: string;
  /** When a polling change-based schedule last listed its datastore. */
  lastPolledAt?: string;
  createdAt: string;
  updatedAt: string;
}

export function isCronTrigger(trigger: ScheduleTrigger): trigger is CronTrigger {
  return 'cron' in trigger;
}

export function isDataChangeTrigger(trigger: ScheduleTrigger): trigger is DataChangeTrigger {
  return 'pathPattern' in trigger;
}

/** The parsed cron of a cron schedule (5 or 6 fields, in its time zone). */
export function cronOf(trigger: CronTrigger): CronSchedule {
  return parseSchedule(trigger.cron, { timeZone: trigger.timeZone ?? 'UTC', fields: 'auto', allowTimeSpan: false });
}

/** The next tick a cron schedule will fire for (after `now`, within its start and end times). */
export function nextFireTime(doc: ScheduleDoc, now: Date): string | undefined {
  if (!doc.enabled || !isCronTrigger(doc.trigger)) return undefined;
  const { startTime, endTime } = doc.trigger;
  const after = Math.max(now.getTime(), Date.parse(doc.activeSince), startTime ? Date.parse(startTime) - 1 : 0);
  try {
    const next = cronOf(doc.trigger).next(new Date(after));
    return endTime && next.getTime() > Date.parse(endTime) ? undefined : next.toISOString();
  } catch {
    return undefined; // a schedule with no further occurrence
  }
}

export function toSchedule(doc: ScheduleDoc, history: ScheduleFiring[], now = new Date()): Schedule {
  const next = nextFireTime(doc, now);
  return {
    name: doc.name,
    pipeline: doc.pipeline,
    ...(doc.parameters ? { parameters: doc.parameters } : {}),
    enabled: doc.enabled,
    trigger: doc.trigger,
    history,
    ...(next ? { nextFireTime: next } : {}),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}
