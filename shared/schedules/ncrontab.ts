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
 * @example
 * const s = parseSchedule('0 0 9 * * Mon-Fri', { timeZone: 'Europe/Paris' });
 * s.next(new Date('2024-03-29T10:00:00Z')); // 2024-04-01T07:00:00.000Z (Monday 09:00 CEST)
 */

/** A parsed schedule. Occurrences are whole seconds; `next` is strictly after its argument. */
export interface Schedule {
  readonly kind: 'cron' | 'timespan';
  /** The expression after `%Setting%` resolution. */
  readonly expression: string;
  /** The IANA zone the fields are evaluated in (`UTC` unless given). */
  readonly timeZone: string;
  /** The host's notion of an interval schedule (see the module comment); always true for a TimeSpan. */
  readonly isInterval: boolean;
  /** The first occurrence strictly after `after`. */
  next(after: Date): Date;
  /** Occurrences strictly between `from` and `to`, at most `max` (default 10 000). */
  occurrences(from: Date, to: Date, max?: number): Date[];
}

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

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const MONTH_NAMES = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const SPECS: readonly FieldSpec[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES },
  { name: 'day-of-week', min: 0, max: 7, names: DAY_NAMES },
];
const SECOND_MS = 1000;
const DAY_MS = 86_400_000;
const HORIZON_YEARS = 400; // the Gregorian calendar repeats every 400 years

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
  const sets = fields.map((field, i) => parseField(text, field, SPECS[i]!));
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

function parseField(text: string, field: string, spec: FieldSpec): boolean[] {
  const fail = (why: string): never => {
    throw new Error(`Invalid schedule '${text}': ${spec.name} field '${field}': ${why}.`);
  };
  const allowed: boolean[] = new Array<boolean>(spec.max + 1).fill(false);
  const top = spec.name === 'day-of-week' ? 6 : spec.max; // 7 is only an alias of Sunday
  for (const item of field.split(',')) {
    if (item === '') fail('empty list item');
    const [range = '', step, extra] = item.split('/');
    if (extra !== undefined) fail(`'${item}' has more than one '/'`);
    const by =
      step === undefined
        ? 1
        : /^\d+$/.test(step) && Number(step) > 0
          ? Number(step)
          : fail(`step '${step}' must be a positive integer`);
    let from: number;
    let to: number;
    if (range === '*') [from, to] = [spec.min, top];
    else {
      const [a = '', b, more] = range.split('-');
      if (more !== undefined) fail(`'${range}' is not a range`);
      from = parseValue(a, spec, fail);
      to = b === undefined ? (step === undefined ? from : top) : parseValue(b, spec, fail);
      if (spec.name === 'day-of-week' && b !== undefined && to === 0 && from > 0) to = 7; // Fri-Sun
      if (to < from) fail(`range ${a}-${b ?? ''} runs backwards`);
    }
    for (let v = from; v <= to; v += by) allowed[v] = true;
  }
  if (spec.name === 'day-of-week' && allowed[7]) allowed[0] = true;
  return allowed;
}

function parseValue(token: string, spec: FieldSpec, fail: (why: string) => never): number {
  if (/^\d+$/.test(token)) {
    const value = Number(token);
    if (value < spec.min || value > spec.max) fail(`${value} is out of range ${spec.min}-${spec.max}`);
    return value;
  }
  const lower = token.toLowerCase();
  const index = lower.length >= 3 ? (spec.names?.findIndex((n) => n === lower || n.slice(0, 3) === lower) ?? -1) : -1;
  if (index >= 0) return spec.name === 'month' ? index + 1 : index;
  const hint = /^[?LW#]$|#/.test(token) ? ' (NCRONTAB has no ?, L, W or #)' : '';
  return fail(`'${token}' is not a number${spec.names ? ' or a known name' : ''}${hint}`);
}

function timeSpanSchedule(text: string, expression: string, timeZone: string): Schedule {
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
  const next = (after: Date): Date => new Date(validTime(after) + ms);
  return {
    kind: 'timespan',
    expression,
    timeZone,
    isInterval: true,
    next,
    occurrences: (from, to, max) => collect(next, from, to, max),
  };
}

function cronSchedule(
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
  return {
    kind: 'cron',
    expression,
    timeZone,
    isInterval,
    next,
    occurrences: (from, to, max) => collect(next, from, to, max),
  };
}

function collect(next: (after: Date) => Date, from: Date, to: Date, max = 10_000): Date[] {
  const out: Date[] = [];
  for (let at = next(from); at < to && out.length < max; at = next(at)) out.push(at);
  return out;
}

/**
 * The offsets in force over [from, to] (whole seconds): `before` until `change`, `after` from it on.
 * Real zones change offset at most once in a few days, which is all a window spans.
 */
interface OffsetWindow {
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
function lowestWall(window: OffsetWindow, t: number): number {
  const { before, after, change } = window;
  if (change === undefined) return t + before;
  if (after < before) return Math.min(t + (t < change ? before : after), Math.max(t, change - SECOND_MS) + after);
  return t < change + (after - before) ? t + before : t + after;
}

function covers(window: OffsetWindow, wall: number): boolean {
  return (
    wall - Math.max(window.before, window.after) >= window.from &&
    wall - Math.min(window.before, window.after) <= window.to
  );
}

/** The instants showing `wall`: one normally, two in a repeated hour, none in a skipped one. */
function instantsOf(window: OffsetWindow, wall: number): { instants: number[]; gapInstant?: number } {
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
class ZoneClock {
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

function validTime(date: Date): number {
  const t = date.getTime();
  if (Number.isNaN(t)) throw new Error('A schedule occurrence was asked for after an invalid Date.');
  return t;
}

function floorSecond(ms: number): number {
  return Math.floor(ms / SECOND_MS) * SECOND_MS;
}
