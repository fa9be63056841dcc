/**
 * A .NET TimeSpan as a timer schedule (`[d.]hh:mm[:ss[.fffffff]]`, or whole days): a constant interval,
 * next = after + interval, whatever the time zone. Apart from `cronSchedule.ts` because it shares nothing
 * with the field search but the `Schedule` it builds.
 *
 * @example timeSpanSchedule('00:05:00', '00:05:00', 'UTC').next(new Date(0)) // 1970-01-01T00:05:00.000Z
 */
import { scheduleOf, validTime, type Schedule } from './schedule';

/** The schedule of TimeSpan `expression` (`text` before `%Setting%` resolution, for messages). */
export function timeSpanSchedule(text: string, expression: string, timeZone: string): Schedule {
  const match =
    /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,7}))?)?$/.exec(expression) ?? /^(\d+)$/.exec(expression);
  if (!match)
    throw new Error(`Invalid schedule '${text}': not a cron expression, and not a TimeSpan '[d.]hh:mm[:ss]'.`);
  const [, days = '0', hours = '0', minutes = '0', seconds = '0', fraction = ''] = match;
  if (Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 59) {
    throw new Error(`Invalid schedule '${text}': TimeSpan hours must be 0-23, minutes and seconds 0-59.`);
  }
  const ms =
    ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000 +
    Number(seconds) * 1000 +
    Math.floor(Number(`0.${fraction || '0'}`) * 1000);
  if (ms <= 0) throw new Error(`Invalid schedule '${text}': a TimeSpan interval must be longer than zero.`);
  return scheduleOf('timespan', expression, timeZone, true, (after) => new Date(validTime(after) + ms));
}
