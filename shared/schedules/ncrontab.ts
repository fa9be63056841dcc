/**
 * NCRONTAB schedules as Azure Functions timers understand them (docs/local-host-contract.md, "Timers"), pure and
 * framework-free so the emulator's timer trigger and the app's pipeline schedules share one parser.
 *
 * - Six fields `second minute hour day month day-of-week`, or five (`minute hour day month
 *   day-of-week`, seconds = 0) as the current host and Azure ML schedules accept.
 * - `*`, lists `a,b`, ranges `a-b`, steps `a-b/n`, `a/n` (a to the field's maximum) and `*` + `/n`, month names
 *   `Jan`–`Dec`, day names `Sun`–`Sat` (0 and 7 are Sunday), full names too, any case.
 * - Day-of-month AND day-of-week must both match (NCrontab), not classic cron's OR.
 * - A .NET TimeSpan (`[d.]hh:mm[:ss[.fffffff]]`, or whole days) is a constant interval: next = after + interval.
 * - `%Setting%` is replaced through `resolveSetting` before parsing.
 * - With `timeZone` (IANA), fields are matched against the wall clock of that zone. Daylight-saving
 *   handling follows the Functions host's CronSchedule: a wall time skipped by "spring forward" runs
 *   shifted by the gap (02:30 → 03:30); in a repeated "fall back" hour, interval schedules (`*`, `-` or
 *   `/` in second, minute or hour) run through both passes while point-in-time schedules run once, at
 *   the first (daylight) pass.
 *
 * This module reads the options and picks the kind, and is the one entry point; the field grammar is in
 * `cronFields.ts`, the occurrence search in `cronSchedule.ts` (zone offsets from `zoneClock.ts`), TimeSpans in
 * `timeSpanSchedule.ts`, and the `Schedule` both kinds build in `schedule.ts`.
 *
 * @example
 * const s = parseSchedule('0 0 9 * * Mon-Fri', { timeZone: 'Europe/Paris' });
 * s.next(new Date('2024-03-29T10:00:00Z')); // 2024-04-01T07:00:00.000Z (Monday 09:00 CEST)
 */
import { parseCronFields } from './cronFields';
import { cronSchedule } from './cronSchedule';
import type { Schedule } from './schedule';
import { timeSpanSchedule } from './timeSpanSchedule';

export type { Schedule } from './schedule';

export interface ScheduleOptions {
  /** IANA time zone (e.g. `Europe/Paris`); default UTC. */
  timeZone?: string;
  /** Looks up `%Name%` placeholders; `undefined` means "not set". */
  resolveSetting?: (name: string) => string | undefined;
  /** Field count to accept: 6, 5, or `auto` (5 or 6, like the current host). Default `auto`. */
  fields?: 5 | 6 | 'auto';
  /** Whether a TimeSpan constant interval is accepted (default true). */
  allowTimeSpan?: boolean;
}

/** Parses a timer schedule; throws an Error naming the field and the reason when the text is invalid. */
export function parseSchedule(text: string, options: ScheduleOptions = {}): Schedule {
  const expression = resolveSettings(text, options.resolveSetting);
  const timeZone = checkTimeZone(text, options.timeZone ?? 'UTC');
  const trimmed = expression.trim();
  if (options.allowTimeSpan !== false && /^[\d.:]+$/.test(trimmed)) return timeSpanSchedule(text, trimmed, timeZone);
  const parts = trimmed.split(/\s+/).filter(Boolean);
  const wanted = options.fields ?? 'auto';
  const ok = wanted === 'auto' ? parts.length === 5 || parts.length === 6 : parts.length === wanted;
  if (!ok) {
    const expected =
      wanted === 5
        ? '5 fields (minute hour day month day-of-week)'
        : wanted === 6
          ? '6 fields (second minute hour day month day-of-week)'
          : '6 fields (second minute hour day month day-of-week) or 5 (without seconds)';
    throw new Error(`Invalid schedule '${text}': expected ${expected}, got ${parts.length}.`);
  }
  const fields = parts.length === 5 ? ['0', ...parts] : parts;
  const sets = parseCronFields(text, fields);
  const isInterval = fields.slice(parts.length === 5 ? 1 : 0, 3).some((f) => /[*/-]/.test(f));
  return cronSchedule(text, expression, sets, timeZone, isInterval);
}

function resolveSettings(text: string, resolve: ScheduleOptions['resolveSetting']): string {
  return text.replace(/%([^%\s]+)%/g, (_, name: string) => {
    const value = resolve?.(name);
    if (value === undefined) throw new Error(`Invalid schedule '${text}': app setting '${name}' is not defined.`);
    return value;
  });
}

function checkTimeZone(text: string, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    throw new Error(
      `Invalid schedule '${text}': time zone '${timeZone}' is not an IANA time zone (e.g. 'Europe/Paris').`,
    );
  }
}
