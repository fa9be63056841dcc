/**
 * Which tick of a cron schedule is due when the scheduler runs, and whether it is late. Pure.
 *
 * - Due: the latest occurrence in `(from, now]` (capped at `endTime`). Several missed ticks (downtime)
 *   collapse into that one fire.
 * - Late: the scheduler missed a run it should have handled the earliest due tick in — the tick's
 *   own scheduler run is the first scheduler occurrence at or after it, and if even the scheduler
 *   occurrence after that one has passed, the tick waited through downtime.
 *
 * @example
 *   dueTick(parseSchedule('0 0 * * * *'), { from, now, scheduler: parseSchedule('0 * * * * *') });
 *   // → { fireTime: 2024-06-01T10:00:00Z, late: false } at 10:00:00.2
 */
import type { Schedule } from './ncrontab';

export interface DueTick {
  fireTime: Date;
  late: boolean;
}

export interface DueWindow {
  /** Exclusive: the last tick fired, or when the schedule became live. */
  from: Date;
  now: Date;
  /** No tick after this fires. */
  endTime?: Date;
  /** The scheduler timer's own schedule. */
  scheduler: Schedule;
}

/** The latest occurrence in `(from, to]`, given that `first` is one; searched in growing windows back from `to`. */
function latestOccurrence(schedule: Schedule, from: Date, to: Date, first: Date): Date {
  const end = to.getTime() + 1;
  for (let span = 60_000; ; span *= 4) {
    const start = Math.max(from.getTime(), end - span);
    const found = schedule.occurrences(new Date(start), new Date(end), 100_000);
    const last = found[found.length - 1];
    if (last) return last;
    if (start === from.getTime()) return first;
  }
}

export function dueTick(schedule: Schedule, window: DueWindow): DueTick | undefined {
  const { from, now, endTime, scheduler } = window;
  const to = endTime && endTime < now ? endTime : now;
  if (to <= from) return undefined;
  const first = schedule.next(from);
  if (first > to) return undefined;
  const fireTime = latestOccurrence(schedule, from, to, first);
  const ownRun = scheduler.next(new Date(first.getTime() - 1));
  const late = now.getTime() >= scheduler.next(ownRun).getTime();
  return { fireTime, late };
}
