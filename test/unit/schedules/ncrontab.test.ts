import { parseSchedule } from '../../../shared/schedules/ncrontab';

const iso = (d: Date): string => d.toISOString();
const at = (s: string): Date => new Date(s);
const list = (text: string, from: string, to: string, timeZone?: string): string[] =>
  parseSchedule(text, { timeZone }).occurrences(at(from), at(to)).map(iso);

/** The part of each occurrence's ISO string a case compares: `[start, end)`. */
type Part = [start: number, end: number];
const WHOLE: Part = [0, 24];
const DATE: Part = [0, 10];
const DAY: Part = [8, 10];
const HOUR: Part = [11, 13];
const HOUR_MINUTE: Part = [11, 16];
const SECOND: Part = [17, 19];

/** `[schedule, from, to, part, expected]`: the UTC occurrences in (from, to), cut to `part`. Dates alone are UTC. */
type Listing = [text: string, from: string, to: string, part: Part, expected: string[]];
const expectListing = ([text, from, to, [start, end], expected]: Listing): void =>
  expect(list(text, from, to).map((d) => d.slice(start, end))).toEqual(expected);

describe('parseSchedule: six-field NCRONTAB', () => {
  it('finds the next occurrence strictly after the given instant', () => {
    const s = parseSchedule('0 */5 * * * *');
    expect(iso(s.next(at('2024-01-01T10:02:30Z')))).toBe('2024-01-01T10:05:00.000Z');
    expect(iso(s.next(at('2024-01-01T10:05:00Z')))).toBe('2024-01-01T10:10:00.000Z');
    expect(iso(s.next(at('2024-01-01T10:04:59.999Z')))).toBe('2024-01-01T10:05:00.000Z');
    expect(s.kind).toBe('cron');
    expect(s.timeZone).toBe('UTC');
  });

  it.each<Listing>([
    [
      '15,45 * * * * *',
      '2024-01-01',
      '2024-01-01T00:01:00Z',
      WHOLE,
      ['2024-01-01T00:00:15.000Z', '2024-01-01T00:00:45.000Z'],
    ],
    ['0 0 9-17/2 * * *', '2024-01-01', '2024-01-02', HOUR, ['09', '11', '13', '15', '17']],
    ['0 5/20 3 * * *', '2024-01-01', '2024-01-02', HOUR_MINUTE, ['03:05', '03:25', '03:45']],
    ['*/20 0 0 1 1 *', '2023-12-31T23:59:59Z', '2024-01-01T00:01:00Z', SECOND, ['00', '20', '40']],
    ['0 0 0 */10 * *', '2024-02-01', '2024-03-01', DAY, ['11', '21']],
  ])('supports lists, ranges and the three step forms: %s', (...listing) => expectListing(listing));

  const sundays = ['2024-01-07', '2024-01-14'];
  it.each<Listing>([
    ['0 0 12 1 Jan,jul *', '2024-01-01', '2025-01-01', WHOLE, ['2024-01-01T12:00:00.000Z', '2024-07-01T12:00:00.000Z']],
    ['0 0 8 * * mon-FRI', '2024-01-05', '2024-01-09', DATE, ['2024-01-05', '2024-01-08']],
    ['0 0 8 * * Saturday,Sunday', '2024-01-01', '2024-01-08', DATE, ['2024-01-06', '2024-01-07']],
    ['0 0 0 * * 0', '2024-01-01', '2024-01-15', DATE, sundays],
    ['0 0 0 * * 7', '2024-01-01', '2024-01-15', DATE, sundays],
    ['0 0 0 * * Sun', '2024-01-01', '2024-01-15', DATE, sundays],
    ['0 0 0 * * Fri-Sun', '2024-01-01', '2024-01-08', DATE, ['2024-01-05', '2024-01-06', '2024-01-07']],
  ])('reads month and day names in any case, full or abbreviated, with 0 and 7 both Sunday: %s', (...listing) =>
    expectListing(listing),
  );

  it('ANDs day-of-month with day-of-week (NCrontab), unlike classic cron', () => {
    expect(list('0 0 0 13 * Fri', '2024-01-01T00:00:00Z', '2027-01-01T00:00:00Z').map((d) => d.slice(0, 10))).toEqual([
      '2024-09-13',
      '2024-12-13',
      '2025-06-13',
      '2026-02-13',
      '2026-03-13',
      '2026-11-13',
    ]);
    expect(iso(parseSchedule('0 0 0 29 Feb Mon').next(at('2024-03-01T00:00:00Z')))).toBe('2044-02-29T00:00:00.000Z');
  });

  it('accepts the five-field form (seconds = 0) by default or on request, and rejects it when six are required', () => {
    expect(list('30 9 * * 1-5', '2024-01-05T00:00:00Z', '2024-01-09T00:00:00Z')).toEqual([
      '2024-01-05T09:30:00.000Z',
      '2024-01-08T09:30:00.000Z',
    ]);
    expect(parseSchedule('*/15 * * * *', { fields: 5 }).next(at('2024-01-01T00:00:01Z')).toISOString()).toBe(
      '2024-01-01T00:15:00.000Z',
    );
    expect(() => parseSchedule('30 9 * * 1-5', { fields: 6 })).toThrow(
      "Invalid schedule '30 9 * * 1-5': expected 6 fields (second minute hour day month day-of-week), got 5.",
    );
    expect(() => parseSchedule('0 30 9 * * 1-5', { fields: 5 })).toThrow(
      'expected 5 fields (minute hour day month day-of-week), got 6',
    );
  });

  it('treats a .NET TimeSpan as a constant interval', () => {
    const s = parseSchedule('00:05:00');
    expect(s.kind).toBe('timespan');
    expect(iso(s.next(at('2024-01-01T10:02:30Z')))).toBe('2024-01-01T10:07:30.000Z');
    expect(iso(parseSchedule('1.02:00:00').next(at('2024-01-01T00:00:00Z')))).toBe('2024-01-02T02:00:00.000Z');
    expect(iso(parseSchedule('00:00:01.5').next(at('2024-01-01T00:00:00Z')))).toBe('2024-01-01T00:00:01.500Z');
    expect(() => parseSchedule('24:00:00')).toThrow('TimeSpan hours must be 0-23');
    expect(() => parseSchedule('00:00:00')).toThrow('must be longer than zero');
    expect(() => parseSchedule('00:05:00', { allowTimeSpan: false })).toThrow('expected 6 fields');
  });

  it('resolves %Setting% placeholders through the lookup it is given', () => {
    const settings: Record<string, string> = { Every: '*/10', Cron: '0 0 3 * * *' };
    const resolveSetting = (name: string): string | undefined => settings[name];
    expect(parseSchedule('%Cron%', { resolveSetting }).expression).toBe('0 0 3 * * *');
    expect(iso(parseSchedule('0 %Every% * * * *', { resolveSetting }).next(at('2024-01-01T00:00:00Z')))).toBe(
      '2024-01-01T00:10:00.000Z',
    );
    expect(() => parseSchedule('%Missing%', { resolveSetting })).toThrow(
      "Invalid schedule '%Missing%': app setting 'Missing' is not defined.",
    );
    expect(() => parseSchedule('%Cron%')).toThrow("app setting 'Cron' is not defined");
  });

  it.each([
    ['* * * *', 'expected 6 fields (second minute hour day month day-of-week) or 5 (without seconds), got 4'],
    ['', 'got 0'],
    ['61 * * * * *', "second field '61': 61 is out of range 0-59"],
    ['0 60 * * * *', "minute field '60': 60 is out of range 0-59"],
    ['0 0 24 * * *', "hour field '24': 24 is out of range 0-23"],
    ['0 0 0 0 * *', "day field '0': 0 is out of range 1-31"],
    ['0 0 0 * 13 *', "month field '13': 13 is out of range 1-12"],
    ['0 0 0 * * 8', "day-of-week field '8': 8 is out of range 0-7"],
    ['*/0 * * * * *', "second field '*/0': step '0' must be a positive integer"],
    ['*/x * * * * *', "step 'x' must be a positive integer"],
    ['1/2/3 * * * * *', "'1/2/3' has more than one '/'"],
    ['5-3 * * * * *', "second field '5-3': range 5-3 runs backwards"],
    ['1-2-3 * * * * *', "'1-2-3' is not a range"],
    ['1,,2 * * * * *', 'empty list item'],
    ['0 0 0 * Foo *', "month field 'Foo': 'Foo' is not a number or a known name"],
    ['0 0 0 ? * *', "day field '?': '?' is not a number (NCRONTAB has no ?, L, W or #)"],
    ['0 0 0 * * 5#3', 'NCRONTAB has no ?, L, W or #'],
    ['0 0 0 30 Feb *', 'it never occurs'],
  ])('rejects %p with a message naming the field and the reason', (text, message) => {
    expect(() => parseSchedule(text)).toThrow(`Invalid schedule '${text}'`);
    expect(() => parseSchedule(text)).toThrow(message);
  });

  it('rejects a time zone that is not IANA', () => {
    expect(() => parseSchedule('0 0 0 * * *', { timeZone: 'Eastern Standard Time' })).toThrow(
      "time zone 'Eastern Standard Time' is not an IANA time zone",
    );
  });

  it('lists occurrences between two instants, bounded by max', () => {
    const s = parseSchedule('0 0 * * * *');
    expect(s.occurrences(at('2024-01-01T00:00:00Z'), at('2024-01-01T03:00:00Z')).map(iso)).toEqual([
      '2024-01-01T01:00:00.000Z',
      '2024-01-01T02:00:00.000Z',
    ]);
    expect(s.occurrences(at('2024-01-01T00:00:00Z'), at('2025-01-01T00:00:00Z'), 3)).toHaveLength(3);
  });
});

describe('parseSchedule: time zones', () => {
  it('matches the fields against the wall clock of the zone', () => {
    const s = parseSchedule('0 0 9 * * Mon-Fri', { timeZone: 'Europe/Paris' });
    expect(iso(s.next(at('2024-03-29T10:00:00Z')))).toBe('2024-04-01T07:00:00.000Z'); // Monday 09:00 CEST
    expect(iso(s.next(at('2024-01-05T07:59:00Z')))).toBe('2024-01-05T08:00:00.000Z'); // Friday 09:00 CET
  });

  it('spring forward: a skipped wall time runs shifted by the gap, as the host does', () => {
    // New York, 2024-03-10: 02:00 EST jumps to 03:00 EDT (07:00Z).
    expect(list('0 30 2 * * *', '2024-03-09T00:00:00Z', '2024-03-12T00:00:00Z', 'America/New_York')).toEqual([
      '2024-03-09T07:30:00.000Z', // 02:30 EST
      '2024-03-10T07:30:00.000Z', // 02:30 does not exist: 03:30 EDT
      '2024-03-11T06:30:00.000Z', // 02:30 EDT
    ]);
    expect(list('0 */15 * * * *', '2024-03-10T06:30:00Z', '2024-03-10T07:31:00Z', 'America/New_York')).toEqual([
      '2024-03-10T06:45:00.000Z', // 01:45 EST
      '2024-03-10T07:00:00.000Z', // 02:00 skipped → 03:00 EDT; 02:15–02:45 collapse into it
      '2024-03-10T07:15:00.000Z',
      '2024-03-10T07:30:00.000Z',
    ]);
  });

  it('fall back: interval schedules run through both passes, point-in-time ones run once', () => {
    // New York, 2024-11-03: 02:00 EDT falls back to 01:00 EST (06:00Z); 01:00–01:59 happens twice.
    expect(list('0 */30 * * * *', '2024-11-03T04:00:00Z', '2024-11-03T07:45:00Z', 'America/New_York')).toEqual([
      '2024-11-03T04:30:00.000Z',
      '2024-11-03T05:00:00.000Z', // 01:00 EDT
      '2024-11-03T05:30:00.000Z', // 01:30 EDT
      '2024-11-03T06:00:00.000Z', // 01:00 EST
      '2024-11-03T06:30:00.000Z', // 01:30 EST
      '2024-11-03T07:00:00.000Z',
      '2024-11-03T07:30:00.000Z',
    ]);
    expect(list('0 30 1 * * *', '2024-11-02T00:00:00Z', '2024-11-05T00:00:00Z', 'America/New_York')).toEqual([
      '2024-11-02T05:30:00.000Z',
      '2024-11-03T05:30:00.000Z', // first pass only
      '2024-11-04T06:30:00.000Z',
    ]);
    // Started during the second pass, a point-in-time schedule assumes the first pass already ran.
    expect(iso(parseSchedule('0 30 1 * * *', { timeZone: 'America/New_York' }).next(at('2024-11-03T06:29:00Z')))).toBe(
      '2024-11-04T06:30:00.000Z',
    );
  });

  it.each([
    ['America/New_York', '2024-03-10T07:00:00Z'],
    ['America/New_York', '2024-11-03T06:00:00Z'],
    ['Europe/London', '2024-03-31T01:00:00Z'],
    ['Europe/London', '2024-10-27T01:00:00Z'],
    ['Australia/Sydney', '2024-04-06T16:00:00Z'],
    ['Australia/Lord_Howe', '2024-10-05T15:30:00Z'], // a 30-minute shift
    ['Australia/Lord_Howe', '2024-04-06T15:00:00Z'],
  ])('agrees with a minute-by-minute scan around the %s change at %s', (timeZone, change) => {
    const from = new Date(Date.parse(change) - 86_400_000);
    const to = new Date(Date.parse(change) + 86_400_000);
    for (const text of ['0 */20 * * * *', '0 0,30 1-3 * * *', '0 15 1 * * *', '0 30 2 * * *', '0 45 1,2 * * *']) {
      const actual = parseSchedule(text, { timeZone }).occurrences(from, to).map(iso);
      expect({ text, occurrences: actual }).toEqual({ text, occurrences: scan(text, timeZone, from, to) });
    }
  });
});

/**
 * An independent brute-force statement of the documented DST rules: every minute instant whose wall time
 * matches, minus second passes of point-in-time schedules, plus skipped wall times shifted by the gap.
 */
function scan(text: string, timeZone: string, from: Date, to: Date): string[] {
  const numeric = Object.fromEntries(['year', 'month', 'day', 'hour', 'minute'].map((part) => [part, 'numeric']));
  const format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', ...numeric });
  const wallOf = (ms: number): number => {
    const p = Object.fromEntries(format.formatToParts(new Date(ms)).map((x) => [x.type, Number(x.value)])) as Record<
      string,
      number
    >;
    return Date.UTC(p.year!, p.month! - 1, p.day, p.hour, p.minute);
  };
  const [, minute = '', hour = ''] = text.split(' ');
  const expand = (field: string, max: number): number[] =>
    field.split(',').flatMap((part) => {
      const [range = '', step = '1'] = part.split('/');
      const [a, b] = range === '*' ? [0, max] : range.split('-').map(Number);
      const out: number[] = [];
      for (let v = a!; v <= (b ?? a)!; v += Number(step)) out.push(v);
      return out;
    });
  const minutes = expand(minute, 59);
  const hours = expand(hour, 23);
  const interval = /[*/-]/.test(minute + hour);
  const matches = (wall: number): boolean =>
    minutes.includes(new Date(wall).getUTCMinutes()) && hours.includes(new Date(wall).getUTCHours());
  const found = new Set<number>();
  const seenWalls = new Set<number>();
  const startMs = Math.ceil((from.getTime() - 3 * 3_600_000) / 60_000) * 60_000;
  for (let x = startMs; x < to.getTime() + 3 * 3_600_000; x += 60_000) {
    const wall = wallOf(x);
    const secondPass = seenWalls.has(wall);
    seenWalls.add(wall);
    if (matches(wall) && (interval || !secondPass)) found.add(x);
  }
  // Wall minutes that never appeared were skipped: they run at wall − (offset before the change).
  const walls = [...seenWalls].sort((a, b) => a - b);
  for (let w = walls[0]!; w <= walls[walls.length - 1]!; w += 60_000) {
    if (!seenWalls.has(w) && matches(w)) found.add(w - (wallOf(w - 86_400_000) - (w - 86_400_000)));
  }
  return [...found]
    .filter((x) => x > from.getTime() && x < to.getTime())
    .sort((a, b) => a - b)
    .map((x) => new Date(x).toISOString());
}

describe('parseSchedule: misuse', () => {
  it('refuses an invalid Date instead of looping', () => {
    expect(() => parseSchedule('0 * * * * *').next(new Date(NaN))).toThrow('invalid Date');
    expect(() => parseSchedule('00:01:00').next(new Date(NaN))).toThrow('invalid Date');
  });
});
