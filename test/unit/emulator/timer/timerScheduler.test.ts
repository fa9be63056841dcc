import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { app, type Timer } from '@azure/functions';
import { describeFunctions, type TimerFunction } from '../../../../emulator/functionCatalog';
import { NEVER } from '../../../../emulator/timer/timerDecisions';
import { MAX_TIMER_DELAY_MS, TimerScheduler, type TimerClock } from '../../../../emulator/timer/timerScheduler';

/** A clock whose time only moves when the test says so; timers fire when the test asks. */
class FakeClock implements TimerClock {
  readonly delays: number[] = [];
  readonly #timers = new Map<number, { at: number; callback: () => void }>();
  #seq = 0;

  constructor(public time: number) {}

  now = (): Date => new Date(this.time);

  setTimer = (callback: () => void, delayMs: number): (() => void) => {
    const id = ++this.#seq;
    this.delays.push(delayMs);
    this.#timers.set(id, { at: this.time + delayMs, callback });
    return () => this.#timers.delete(id);
  };

  get pending(): number {
    return this.#timers.size;
  }

  /** Fires the timers due by now, without waiting for what they start. */
  fireDue(): number {
    const due = [...this.#timers.entries()].filter(([, t]) => t.at <= this.time).sort((a, b) => a[1].at - b[1].at);
    for (const [id, timer] of due) {
      this.#timers.delete(id);
      timer.callback();
    }
    return due.length;
  }

  /** Moves to `iso`, firing each timer at its own time and letting the scheduler finish what it starts. */
  async advanceTo(iso: string, scheduler: TimerScheduler): Promise<void> {
    const target = Date.parse(iso);
    for (;;) {
      const next = [...this.#timers.values()].filter((t) => t.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.time = Math.max(this.time, next.at);
      this.fireDue();
      await settle(scheduler);
    }
    this.time = target;
  }
}

/** A timer's status as the host stores it: PascalCase, with the host's `+00:00` offsets. */
const stored = (last: string, next: string, lastUpdated: string) => ({
  Last: last,
  Next: next,
  LastUpdated: lastUpdated,
});

async function settle(scheduler: TimerScheduler): Promise<void> {
  await scheduler.idle();
  await new Promise((resolve) => setImmediate(resolve)); // the re-arm follows the run's promise
}

interface Call {
  at: string;
  isPastDue: boolean;
  scheduleStatus: Timer['scheduleStatus'] | null | undefined;
}

const calls: Record<string, Call[]> = {};
let clock = new FakeClock(0);
const record =
  (name: string) =>
  (timer: Timer): void => {
    (calls[name] ??= []).push({
      at: clock.now().toISOString(),
      isPastDue: timer.isPastDue,
      scheduleStatus: timer.scheduleStatus,
    });
  };

let active = 0;
let maxActive = 0;
let release: () => void = () => undefined;

app.timer('everyFiveMinutes', { schedule: '0 */5 * * * *', handler: record('everyFiveMinutes') });
app.timer('hourlyOnStartup', { schedule: '0 0 * * * *', runOnStartup: true, handler: record('hourlyOnStartup') });
app.timer('everyTenSeconds', { schedule: '*/10 * * * * *', handler: record('everyTenSeconds') });
app.timer('notMonitored', { schedule: '0 */5 * * * *', useMonitor: false, handler: record('notMonitored') });
app.timer('yearly', { schedule: '0 0 0 1 Jan *', handler: record('yearly') });
app.timer('fromSetting', { schedule: '%TickSchedule%', handler: record('fromSetting') });
app.timer('failing', {
  schedule: '0 */5 * * * *',
  handler: (timer) => {
    record('failing')(timer);
    throw new Error('boom');
  },
});
app.timer('slow', {
  schedule: '0 * * * * *',
  handler: async (timer) => {
    record('slow')(timer);
    active += 1;
    maxActive = Math.max(maxActive, active);
    await new Promise<void>((resolve) => (release = resolve));
    active -= 1;
  },
});
app.timer('broken', { schedule: 'not a schedule', handler: record('broken') });

const timers = (...names: string[]): TimerFunction[] =>
  describeFunctions().filter((d): d is TimerFunction => d.kind === 'timer' && names.includes(d.name));

type CreateOptions = { resolveSetting?: (n: string) => string | undefined };

describe('TimerScheduler', () => {
  let dataDir: string;
  let logs: { level: string; message: string }[];
  let scheduler: TimerScheduler | undefined;

  const create = (names: string[], options: CreateOptions = {}): TimerScheduler => {
    scheduler = new TimerScheduler({
      dataDir,
      clock,
      functions: timers(...names),
      log: (level, message) => logs.push({ level, message }),
      ...options,
    });
    return scheduler;
  };
  /** Sets the clock to `iso` and starts a scheduler of `names` there. */
  const startAt = async (iso: string, names: string[], options: CreateOptions = {}): Promise<TimerScheduler> => {
    clock = new FakeClock(Date.parse(iso));
    const started = create(names, options);
    await started.start();
    return started;
  };
  const statusFile = (name: string): string => path.join(dataDir, 'timers', `${name}.json`);
  const readStatus = async (name: string): Promise<unknown> => JSON.parse(await fs.readFile(statusFile(name), 'utf8'));

  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sibyl-timers-'));
    logs = [];
    for (const key of Object.keys(calls)) delete calls[key];
    active = 0;
    maxActive = 0;
  });

  afterEach(async () => {
    release();
    await scheduler?.stop();
    scheduler = undefined;
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('fires at each occurrence with the PascalCase TimerInfo and records the status', async () => {
    const s = await startAt('2024-01-01T10:02:30Z', ['everyFiveMinutes']);
    expect(clock.delays).toEqual([150_000]);
    expect(await readStatus('everyFiveMinutes')).toEqual(
      stored(NEVER, '2024-01-01T10:05:00.000+00:00', '2024-01-01T10:02:30.000+00:00'),
    );

    await clock.advanceTo('2024-01-01T10:12:00Z', s);
    expect(calls.everyFiveMinutes).toEqual([
      {
        at: '2024-01-01T10:05:00.000Z',
        isPastDue: false,
        scheduleStatus: {
          last: NEVER,
          next: '2024-01-01T10:05:00.000+00:00',
          lastUpdated: '2024-01-01T10:02:30.000+00:00',
        },
      },
      {
        at: '2024-01-01T10:10:00.000Z',
        isPastDue: false,
        scheduleStatus: {
          last: '2024-01-01T10:05:00.000+00:00',
          next: '2024-01-01T10:10:00.000+00:00',
          lastUpdated: '2024-01-01T10:05:00.000+00:00',
        },
      },
    ]);
    expect(await readStatus('everyFiveMinutes')).toEqual(
      stored('2024-01-01T10:10:00.000+00:00', '2024-01-01T10:15:00.000+00:00', '2024-01-01T10:10:00.000+00:00'),
    );
  });

  it('after downtime runs a past-due timer once, with IsPastDue, then resumes the schedule', async () => {
    const first = await startAt('2024-01-01T10:04:00Z', ['everyFiveMinutes']);
    await clock.advanceTo('2024-01-01T10:06:00Z', first);
    await first.stop();
    expect(calls.everyFiveMinutes).toHaveLength(1);

    clock.time = Date.parse('2024-01-01T12:31:00Z'); // 27 occurrences were missed
    const second = create(['everyFiveMinutes']);
    await second.start();
    await settle(second);
    expect(calls.everyFiveMinutes).toHaveLength(2);
    expect(calls.everyFiveMinutes![1]).toEqual({
      at: '2024-01-01T12:31:00.000Z',
      isPastDue: true,
      scheduleStatus: {
        last: '2024-01-01T10:05:00.000+00:00',
        next: '2024-01-01T10:10:00.000+00:00',
        lastUpdated: '2024-01-01T10:05:00.000+00:00',
      },
    });
    expect(await readStatus('everyFiveMinutes')).toMatchObject({
      Last: '2024-01-01T12:31:00.000+00:00',
      Next: '2024-01-01T12:35:00.000+00:00',
    });

    await clock.advanceTo('2024-01-01T12:36:00Z', second);
    expect(calls.everyFiveMinutes!.map((c) => [c.at, c.isPastDue])).toEqual([
      ['2024-01-01T10:05:00.000Z', false],
      ['2024-01-01T12:31:00.000Z', true],
      ['2024-01-01T12:35:00.000Z', false],
    ]);
  });

  it('treats a stored Next the schedule would not produce as a schedule change, not as past due', async () => {
    await fs.mkdir(path.join(dataDir, 'timers'), { recursive: true });
    const stale = stored(
      '2024-01-01T09:00:00.000+00:00',
      '2024-01-01T10:00:00.000+00:00',
      '2024-01-01T09:00:00.000+00:00',
    );
    await fs.writeFile(statusFile('everyFiveMinutes'), JSON.stringify(stale)); // written by an hourly schedule
    const s = await startAt('2024-01-01T11:01:00Z', ['everyFiveMinutes']);
    await settle(s);
    expect(calls.everyFiveMinutes).toBeUndefined();
    expect(await readStatus('everyFiveMinutes')).toEqual(
      stored(stale.Last, '2024-01-01T11:05:00.000+00:00', '2024-01-01T11:01:00.000+00:00'),
    );
  });

  it('ignores a corrupt status file with a warning', async () => {
    await fs.mkdir(path.join(dataDir, 'timers'), { recursive: true });
    await fs.writeFile(statusFile('everyFiveMinutes'), '{"Last": 3');
    await startAt('2024-01-01T10:02:30Z', ['everyFiveMinutes']);
    expect(logs).toContainEqual({
      level: 'warning',
      message: expect.stringContaining("Timer 'everyFiveMinutes': ignoring its stored status"),
    });
    expect(await readStatus('everyFiveMinutes')).toMatchObject({ Next: '2024-01-01T10:05:00.000+00:00' });
  });

  it('runOnStartup runs once at every start, then follows the schedule', async () => {
    const s = await startAt('2024-01-01T10:20:00Z', ['hourlyOnStartup']);
    await settle(s);
    expect(calls.hourlyOnStartup).toEqual([
      expect.objectContaining({ at: '2024-01-01T10:20:00.000Z', isPastDue: false }),
    ]);
    await clock.advanceTo('2024-01-01T11:30:00Z', s);
    expect(calls.hourlyOnStartup!.map((c) => c.at)).toEqual(['2024-01-01T10:20:00.000Z', '2024-01-01T11:00:00.000Z']);
    await s.stop();

    const again = create(['hourlyOnStartup']);
    await again.start();
    await settle(again);
    expect(calls.hourlyOnStartup!.map((c) => c.at)).toEqual([
      '2024-01-01T10:20:00.000Z',
      '2024-01-01T11:00:00.000Z',
      '2024-01-01T11:30:00.000Z',
    ]);
  });

  it('never runs one timer twice at once: an occurrence that arrives during a run waits for it', async () => {
    const s = await startAt('2024-01-01T10:00:30Z', ['slow']);
    const manual = s.fireNow('slow');
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls.slow).toHaveLength(1);

    clock.time = Date.parse('2024-01-01T10:01:00Z');
    expect(clock.fireDue()).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls.slow).toHaveLength(1); // delayed, not concurrent
    expect(s.states()[0]).toMatchObject({ functionName: 'slow', running: true });

    clock.time = Date.parse('2024-01-01T10:01:40Z');
    release();
    expect(await manual).toMatchObject({ functionName: 'slow', reason: 'manual', result: 'succeeded' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls.slow!.map((c) => c.at)).toEqual(['2024-01-01T10:00:30.000Z', '2024-01-01T10:01:40.000Z']);
    release();
    await settle(s);
    expect(maxActive).toBe(1);
    // The late run counts from when it started; the following occurrence is the next minute.
    expect(s.states()[0]?.status).toEqual(
      stored('2024-01-01T10:01:40.000+00:00', '2024-01-01T10:02:00.000+00:00', '2024-01-01T10:01:40.000+00:00'),
    );
  });

  it('logs a failing function and keeps its schedule', async () => {
    const s = await startAt('2024-01-01T10:02:30Z', ['failing']);
    await clock.advanceTo('2024-01-01T10:11:00Z', s);
    expect(calls.failing).toHaveLength(2);
    expect(logs.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([
      "Timer function 'failing' failed (schedule): boom",
      "Timer function 'failing' failed (schedule): boom",
    ]);
    expect(await s.fireNow('failing')).toMatchObject({ result: 'failed', error: 'boom' });
  });

  it('does not monitor schedules that fire more than once a minute, nor when useMonitor is false', async () => {
    const s = await startAt('2024-01-01T10:00:05Z', ['everyTenSeconds', 'notMonitored']);
    await clock.advanceTo('2024-01-01T10:05:00Z', s);
    expect(calls.everyTenSeconds![0]).toEqual({
      at: '2024-01-01T10:00:10.000Z',
      isPastDue: false,
      scheduleStatus: null,
    });
    expect(calls.everyTenSeconds).toHaveLength(30);
    expect(calls.notMonitored).toEqual([{ at: '2024-01-01T10:05:00.000Z', isPastDue: false, scheduleStatus: null }]);
    await expect(fs.readdir(dataDir)).resolves.toEqual([]);
    expect(s.states().map((t) => [t.functionName, t.monitored])).toEqual([
      ['everyTenSeconds', false],
      ['notMonitored', false],
    ]);
  });

  it('waits in steps of at most 2^31 - 1 ms for far occurrences', async () => {
    const s = await startAt('2024-01-01T00:00:01Z', ['yearly']);
    expect(clock.delays).toEqual([MAX_TIMER_DELAY_MS]);
    await clock.advanceTo('2024-12-31T23:00:00Z', s);
    expect(calls.yearly).toBeUndefined();
    expect(clock.delays.every((d) => d <= MAX_TIMER_DELAY_MS)).toBe(true);
    await clock.advanceTo('2025-01-01T00:00:01Z', s);
    expect(calls.yearly?.map((c) => c.at)).toEqual(['2025-01-01T00:00:00.000Z']);
  });

  it('resolves %Setting% schedules and reports a bad schedule without stopping the others', async () => {
    const s = await startAt('2024-01-01T10:00:00Z', ['fromSetting', 'broken'], {
      resolveSetting: (name) => (name === 'TickSchedule' ? '0 30 10 * * *' : undefined),
    });
    expect(logs).toContainEqual({
      level: 'error',
      message: expect.stringContaining("Timer function 'broken' was not started: Invalid schedule 'not a schedule'"),
    });
    await clock.advanceTo('2024-01-01T10:31:00Z', s);
    expect(calls.fromSetting?.map((c) => c.at)).toEqual(['2024-01-01T10:30:00.000Z']);
    expect(calls.broken).toBeUndefined();
  });

  it('fireNow leaves the status alone and rejects unknown functions', async () => {
    const s = await startAt('2024-01-01T10:02:30Z', ['everyFiveMinutes']);
    const before = await readStatus('everyFiveMinutes');
    expect(await s.fireNow('everyFiveMinutes')).toMatchObject({
      result: 'succeeded',
      reason: 'manual',
      isPastDue: false,
    });
    expect(await readStatus('everyFiveMinutes')).toEqual(before);
    await expect(s.fireNow('nope')).rejects.toThrow("'nope' is not a started timer function.");
  });

  it('stop() clears the timers, waits for the run in progress and skips later requests', async () => {
    const s = await startAt('2024-01-01T10:00:30Z', ['slow']);
    expect(clock.pending).toBe(1);
    const running = s.fireNow('slow');
    await new Promise((resolve) => setImmediate(resolve));
    let stopped = false;
    const stopping = s.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    expect(clock.pending).toBe(0);
    release();
    await stopping;
    expect(await running).toMatchObject({ result: 'succeeded' });
    expect(await s.fireNow('slow')).toMatchObject({ result: 'skipped' });
    expect(calls.slow).toHaveLength(1);
  });
});
