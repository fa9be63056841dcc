/**
 * A time zone's UTC offsets over a few days, read from `Intl.DateTimeFormat` (the one source of zone rules
 * Node has), with the instant of a daylight-saving change found to the second, and what a change does to
 * wall times: the instants that show a wall time (two in a repeated hour, none in a skipped one) and where
 * to start searching. Apart from `cronSchedule.ts` because it knows nothing of cron fields: the search
 * works on wall times, this file maps them to instants.
 *
 * @example new ZoneClock('Europe/Paris').window(Date.UTC(2024, 2, 30), Date.UTC(2024, 3, 1)).change
 *   // Date.UTC(2024, 2, 31, 1): 02:00 CET became 03:00 CEST
 */
import { floorSecond, SECOND_MS } from './schedule';

/**
 * The offsets in force over [from, to] (whole seconds): `before` until `change`, `after` from it on.
 * Real zones change offset at most once in a few days, which is all a window spans.
 */
export interface OffsetWindow {
  from: number;
  to: number;
  before: number;
  after: number;
  change: number | undefined;
}

/**
 * The wall clock to search from for instants after t: t's own, or lower when a "fall back" repeats the
 * hour ahead, or when t lies within a gap's length after a "spring forward" (skipped times run late).
 */
export function lowestWall(window: OffsetWindow, t: number): number {
  const { before, after, change } = window;
  if (change === undefined) return t + before;
  if (after < before) return Math.min(t + (t < change ? before : after), Math.max(t, change - SECOND_MS) + after);
  return t < change + (after - before) ? t + before : t + after;
}

export function covers(window: OffsetWindow, wall: number): boolean {
  return (
    wall - Math.max(window.before, window.after) >= window.from &&
    wall - Math.min(window.before, window.after) <= window.to
  );
}

/** The instants showing `wall`: one normally, two in a repeated hour, none in a skipped one. */
export function instantsOf(window: OffsetWindow, wall: number): { instants: number[]; gapInstant?: number } {
  const early = wall - window.before;
  if (window.change === undefined) return { instants: [early] };
  const late = wall - window.after;
  const instants = [early < window.change ? early : undefined, late >= window.change ? late : undefined]
    .filter((x) => x !== undefined)
    .sort((a, b) => a - b);
  // A skipped wall time is read with the offset in force before the jump, as .NET does (02:30 → 03:30).
  return instants.length > 0 ? { instants } : { instants, gapInstant: early };
}

/** Reads an IANA zone's UTC offsets through `Intl.DateTimeFormat`. */
export class ZoneClock {
  readonly #format: Intl.DateTimeFormat;

  constructor(timeZone: string) {
    this.#format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** The zone's UTC offset (ms) at `instant`. */
  offsetAt(instant: number): number {
    const whole = floorSecond(instant);
    const parts = this.#format.formatToParts(new Date(whole));
    const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
    return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - whole;
  }

  /** The offsets over [from, to], with the instant of the change (to the second) found by bisection. */
  window(fromInstant: number, toInstant: number): OffsetWindow {
    const [from, to] = [floorSecond(fromInstant), floorSecond(toInstant)];
    const [before, after] = [this.offsetAt(from), this.offsetAt(to)];
    if (before === after) return { from, to, before, after, change: undefined };
    let [lo, hi] = [from, to];
    while (hi - lo > SECOND_MS) {
      const mid = floorSecond((lo + hi) / 2);
      if (this.offsetAt(mid) === before) lo = mid;
      else hi = mid;
    }
    return { from, to, before, after, change: hi };
  }
}
