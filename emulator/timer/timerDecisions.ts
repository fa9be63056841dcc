/**
 * The timer listener's decisions, pure so they can be tested without clocks or files
 * (docs/local-host-contract.md, "Timers"; mirrors WebJobs' TimerListener, ScheduleMonitor.CheckPastDueAsync and
 * TimerSchedule.Create).
 */
import type { Schedule } from './ncrontab';

/** What the host records per monitored timer (`ScheduleStatus`, PascalCase as on the wire). */
export interface ScheduleStatus {
  Last: string;
  Next: string;
  LastUpdated: string;
}

/**
 * The trigger input the host sends (docs/local-host-contract.md, "The Node worker protocol"); the library camel-cases
 * it for the handler.
 */
export interface TimerInfo {
  Schedule: { AdjustForDST: boolean };
  ScheduleStatus: ScheduleStatus | null;
  IsPastDue: boolean;
}

/** Why a timer function runs. `manual` is the admin/test "fire now", which leaves the status alone. */
export type TimerRunReason = 'schedule' | 'pastDue' | 'startup' | 'manual';

/** .NET's `default(DateTime)`: "never" in `Last`/`LastUpdated`. */
export const NEVER = '0001-01-01T00:00:00.000+00:00';

/** An ISO-8601 timestamp with an explicit offset, as the host's serializer writes them. */
export function toStatusTime(date: Date): string {
  return date.toISOString().replace(/Z$/, '+00:00');
}

/**
 * The host turns monitoring off for schedules that fire more than once a minute, whatever the
 * function asked for.
 */
export function isMonitored(schedule: Schedule, useMonitor: boolean, now: Date): boolean {
  if (!useMonitor) return false;
  if (schedule.kind === 'timespan') return schedule.next(now).getTime() - now.getTime() >= 60_000;
  // The host counts occurrences in the minute after now (end excluded), which makes a `*/30` seconds
  // schedule monitored when started on a whole minute; including the end keeps the answer stable.
  return schedule.occurrences(now, new Date(now.getTime() + 60_001), 2).length <= 1;
}

export interface PastDueCheck {
  /** The status to keep in memory (and to persist when `save`). */
  status: ScheduleStatus;
  /** Whether `status` differs from what was stored (first start, or the schedule changed). */
  save: boolean;
  /** The recorded next occurrence is behind `now`: run once, immediately, with `IsPastDue`. */
  pastDue: boolean;
}

/**
 * At start, compares the stored status with the schedule: no status → initialise it; a `Next` that the
 * schedule would not have produced from `Last` → the schedule changed, so recompute `Next` from now
 * (not past due); otherwise past due when `Next` < now.
 */
export function checkPastDue(schedule: Schedule, stored: ScheduleStatus | undefined, now: Date): PastDueCheck {
  if (!stored) {
    return {
      status: { Last: NEVER, Next: toStatusTime(schedule.next(now)), LastUpdated: toStatusTime(now) },
      save: true,
      pastDue: false,
    };
  }
  const base =
    stored.Last !== NEVER && Date.parse(stored.Last) !== Date.parse(NEVER) ? stored.Last : stored.LastUpdated;
  const expected = schedule.next(new Date(base)).getTime();
  let status = stored;
  let save = false;
  if (expected !== Date.parse(stored.Next)) {
    status = { Last: stored.Last, Next: toStatusTime(schedule.next(now)), LastUpdated: toStatusTime(now) };
    save = true;
  }
  return { status, save, pastDue: now.getTime() > Date.parse(status.Next) };
}

/**
 * The status after a run that started at `invokedAt`. A scheduled run that fired a little early counts
 * as running at its `Next`, so the same occurrence is never recorded as next twice.
 */
export function statusAfterRun(
  schedule: Schedule,
  current: ScheduleStatus,
  invokedAt: Date,
  reason: TimerRunReason,
): ScheduleStatus {
  const next = Date.parse(current.Next);
  const at = reason === 'schedule' && next > invokedAt.getTime() ? new Date(next) : invokedAt;
  return { Last: toStatusTime(at), Next: toStatusTime(schedule.next(at)), LastUpdated: toStatusTime(at) };
}

/** The `TimerInfo` a run receives: the status before the run (`null` when unmonitored). */
export function toTimerInfo(status: ScheduleStatus | null, isPastDue: boolean): TimerInfo {
  return { Schedule: { AdjustForDST: true }, ScheduleStatus: status, IsPastDue: isPastDue };
}

/** Validates a stored status; `undefined` when it is not one (the caller logs and starts afresh). */
export function readScheduleStatus(value: unknown): ScheduleStatus | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { Last, Next, LastUpdated } = value as Record<string, unknown>;
  const ok = [Last, Next, LastUpdated].every((v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)));
  return ok ? { Last: Last as string, Next: Next as string, LastUpdated: LastUpdated as string } : undefined;
}
