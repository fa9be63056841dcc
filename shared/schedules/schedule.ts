/**
 * What a parsed timer schedule is, whichever its kind (NCRONTAB fields in `cronSchedule.ts`, a TimeSpan
 * interval in `timeSpanSchedule.ts`), and what both kinds share: whole-second instants, the check of
 * `next`'s argument, and occurrences listed by repeating `next`. Apart from `ncrontab.ts` so that the
 * kinds build on it without importing the parser that picks between them.
 *
 * @example scheduleOf('timespan', '00:05:00', 'UTC', true, (after) => new Date(validTime(after) + 300_000))
 */

/** A parsed schedule. Occurrences are whole seconds; `next` is strictly after its argument. */
export interface Schedule {
  readonly kind: 'cron' | 'timespan';
  /** The expression after `%Setting%` resolution. */
  readonly expression: string;
  /** The IANA zone the fields are evaluated in (`UTC` unless given). */
  readonly timeZone: string;
  /** The host's notion of an interval schedule (see `ncrontab.ts`); always true for a TimeSpan. */
  readonly isInterval: boolean;
  /** The first occurrence strictly after `after`. */
  next(after: Date): Date;
  /** Occurrences strictly between `from` and `to`, at most `max` (default 10 000). */
  occurrences(from: Date, to: Date, max?: number): Date[];
}

export const SECOND_MS = 1000;

/** The schedule of the given kind whose occurrences are those of `next`. */
export function scheduleOf(
  kind: Schedule['kind'],
  expression: string,
  timeZone: string,
  isInterval: boolean,
  next: (after: Date) => Date,
): Schedule {
  return { kind, expression, timeZone, isInterval, next, occurrences: (from, to, max) => collect(next, from, to, max) };
}

function collect(next: (after: Date) => Date, from: Date, to: Date, max = 10_000): Date[] {
  const out: Date[] = [];
  for (let at = next(from); at < to && out.length < max; at = next(at)) out.push(at);
  return out;
}

/** The time of `date`; throws when it is an invalid Date. */
export function validTime(date: Date): number {
  const t = date.getTime();
  if (Number.isNaN(t)) throw new Error('A schedule occurrence was asked for after an invalid Date.');
  return t;
}

export function floorSecond(ms: number): number {
  return Math.floor(ms / SECOND_MS) * SECOND_MS;
}
