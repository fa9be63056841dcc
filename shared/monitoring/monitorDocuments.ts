/**
 * Monitor documents (Cosmos container `monitors`, partition key `/name`, id = name): the spec, the
 * latest completed result and a short history of each run's values for the dashboard's signal charts.
 * `activeSince` is when the trigger last changed; recurrences count from it. Changing a field changes
 * stored data and the public API (`Monitor`).
 */
import type {
  CronTrigger,
  Monitor,
  MonitorHistoryEntry,
  MonitorResult,
  MonitorSpec,
  MonitorTrigger,
  Recurrence,
} from '../api/schemas';
import { cronOf } from '../schedules/scheduleDocuments';

export interface MonitorDoc extends MonitorSpec {
  id: string;
  type: 'monitor';
  name: string;
  activeSince: string;
  /** The latest trigger tick a run was started for. */
  lastFireTime?: string;
  lastResult?: MonitorResult;
  history: MonitorHistoryEntry[];
  createdAt: string;
  updatedAt: string;
}

/** Runs kept in `history`. */
export const HISTORY_LENGTH = 100;
export const DEFAULT_WINDOW = 'PT24H';

export function isRecurrence(trigger: MonitorTrigger): trigger is Recurrence {
  return 'frequency' in trigger;
}

const UNIT_MS: Record<Recurrence['frequency'], number> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
};

/** The first trigger tick after `after` (undefined when the trigger has no more). */
export function nextTick(trigger: MonitorTrigger, activeSince: string, after: Date): Date | undefined {
  if (isRecurrence(trigger)) {
    const period = UNIT_MS[trigger.frequency] * trigger.interval;
    const origin = Date.parse(activeSince);
    const k = Math.max(1, Math.floor((after.getTime() - origin) / period) + 1);
    return new Date(origin + k * period);
  }
  const cron: CronTrigger = trigger;
  try {
    const next = cronOf(cron).next(
      new Date(Math.max(after.getTime(), cron.startTime ? Date.parse(cron.startTime) - 1 : 0)),
    );
    return cron.endTime && next.getTime() > Date.parse(cron.endTime) ? undefined : next;
  } catch {
    return undefined;
  }
}

/** Milliseconds in an ISO 8601 duration of days, hours and minutes (`PT24H`, `P7D`, `P1DT12H`). */
export function windowMs(window: string): number {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(window);
  if (!match) return NaN;
  const [, d, h, m] = match;
  return (Number(d ?? 0) * 24 * 60 + Number(h ?? 0) * 60 + Number(m ?? 0)) * 60_000;
}

export function toMonitor(doc: MonitorDoc, now = new Date()): Monitor {
  const next = doc.trigger
    ? nextTick(
        doc.trigger,
        doc.activeSince,
        new Date(Math.max(now.getTime(), Date.parse(doc.lastFireTime ?? doc.activeSince))),
      )
    : undefined;
  return {
    name: doc.name,
    endpoint: doc.endpoint,
    deployment: doc.deployment,
    baseline: doc.baseline,
    ...(doc.features ? { features: doc.features } : {}),
    signals: doc.signals,
    window: doc.window ?? DEFAULT_WINDOW,
    ...(doc.trigger ? { trigger: doc.trigger } : {}),
    ...(next ? { nextRunTime: next.toISOString() } : {}),
    ...(doc.lastResult ? { lastResult: doc.lastResult } : {}),
    history: doc.history,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}
