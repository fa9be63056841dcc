/**
 * The next occurrence of parsed NCRONTAB fields: a search over wall-clock times (skipping whole months, days,
 * hours and minutes that cannot match), then, in a zone other than UTC, the instants those wall times show
 * around daylight-saving changes, as the Functions host's CronSchedule runs them (see `ncrontab.ts`). Apart
 * from `cronFields.ts` because it takes the fields as sets of allowed values and never sees their text.
 *
 * @example cronSchedule(text, text, parseCronFields(text, fields), 'Europe/Paris', false).next(new Date())
 */
import { covers, instantsOf, lowestWall, ZoneClock } from './zoneClock';
import { floorSecond, scheduleOf, SECOND_MS, validTime, type Schedule } from './schedule';

const DAY_MS = 86_400_000;
const HORIZON_YEARS = 400; // the Gregorian calendar repeats every 400 years

/**
 * The schedule of the six allowed-value `sets` (second … day-of-week, from `parseCronFields`); throws when
 * they never match at once (`text`, before `%Setting%` resolution, is quoted in messages).
 */
export function cronSchedule(
  text: string,
  expression: string,
  sets: boolean[][],
  timeZone: string,
  isInterval: boolean,
): Schedule {
  const [seconds, minutes, hours, days, months, weekdays] = sets as [
    boolean[],
    boolean[],
    boolean[],
    boolean[],
    boolean[],
    boolean[],
  ];
  const nextWall = (after: number): number | undefined => {
    let t = floorSecond(after) + SECOND_MS;
    const lastYear = new Date(t).getUTCFullYear() + HORIZON_YEARS;
    for (;;) {
      const d = new Date(t);
      const [y, mo, day, h, mi, s] = [
        d.getUTCFullYear(),
        d.getUTCMonth(),
        d.getUTCDate(),
        d.getUTCHours(),
        d.getUTCMinutes(),
        d.getUTCSeconds(),
      ];
      if (y > lastYear) return undefined;
      if (!months[mo + 1]) t = Date.UTC(y, mo + 1, 1);
      else if (!days[day] || !weekdays[d.getUTCDay()]) t = Date.UTC(y, mo, day + 1);
      else if (!hours[h]) t = Date.UTC(y, mo, day, h + 1);
      else if (!minutes[mi]) t = Date.UTC(y, mo, day, h, mi + 1);
      else if (!seconds[s]) t += SECOND_MS;
      else return t;
    }
  };
  const never = (): never => {
    throw new Error(`Invalid schedule '${text}': it never occurs (day, month and day-of-week must all match at once).`);
  };
  if (nextWall(Date.UTC(2000, 0, 1)) === undefined) never();
  const zone = timeZone === 'UTC' ? undefined : new ZoneClock(timeZone);
  const next = (after: Date): Date => {
    const t = validTime(after);
    if (!zone) return new Date(nextWall(t) ?? never());
    let window = zone.window(t - DAY_MS, t + 2 * DAY_MS);
    let maxOffset = Math.max(window.before, window.after);
    let from = lowestWall(window, t);
    let best: number | undefined;
    for (;;) {
      const wall = nextWall(from) ?? never();
      // Around a DST change a later wall time can be an earlier instant, so keep the earliest hit until no
      // later wall can beat it: an instant is never earlier than its wall time minus the largest offset.
      if (best !== undefined && wall - maxOffset >= best) return new Date(best);
      if (!covers(window, wall)) window = zone.window(wall - 1.5 * DAY_MS, wall + 1.5 * DAY_MS);
      maxOffset = Math.max(maxOffset, window.before, window.after);
      const { instants, gapInstant } = instantsOf(window, wall);
      const candidates = gapInstant !== undefined ? [gapInstant] : isInterval ? instants : instants.slice(0, 1);
      const hit = candidates.find((x) => x > t);
      if (hit !== undefined && (best === undefined || hit < best)) best = hit;
      from = wall;
    }
  };
  return scheduleOf('cron', expression, timeZone, isInterval, next);
}
