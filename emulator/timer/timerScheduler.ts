/**
 * The timer trigger (docs/local-host-contract.md, "Timers"): runs each `timerTrigger` function on its NCRONTAB/TimeSpan
 * schedule, one run at a time per function, with the host's `runOnStartup`, `useMonitor` and past-due rules.
 */
import type { CoreLogLevel, RpcParameterBinding } from '../core/rpcTypes';
import { describeFunctions, type TimerFunction } from '../functionCatalog';
import { invoke } from '../invoker';
import { retryPolicyOf } from '../retryPolicy';
import { parseSchedule, type Schedule } from './ncrontab';
import {
  NEVER,
  checkPastDue,
  isMonitored,
  statusAfterRun,
  toStatusTime,
  toTimerInfo,
  type ScheduleStatus,
  type TimerRunReason,
} from './timerDecisions';
import { TimerStatusStore } from './timerStatusStore';

/** Time as the scheduler sees it; tests pass a fake one. `setTimer` returns a cancel function. */
export interface TimerClock {
  now(): Date;
  setTimer(callback: () => void, delayMs: number): () => void;
}

export interface TimerSchedulerOptions {
  /** State folder (e.g. `.sibyl`); statuses go to `<dataDir>/timers/<function>.json`. */
  dataDir: string;
  /** Input bindings besides the trigger (e.g. `durableClient`) for a function's invocation. */
  extraInputs?: (functionName: string) => RpcParameterBinding[];
  log: (level: CoreLogLevel, message: string) => void;
  /** IANA zone the schedules are read in (the host's `WEBSITE_TIME_ZONE`/`TZ`); default UTC. */
  timeZone?: string;
  /** Resolves `%Setting%` in schedules (app settings). */
  resolveSetting?: (name: string) => string | undefined;
  /** The host's `functionTimeout`, in ms. */
  functionTimeoutMs?: number;
  /** Default: the timer functions registered by the app, read at `start()`. */
  functions?: TimerFunction[];
  clock?: TimerClock;
}

export interface TimerRunOutcome {
  functionName: string;
  reason: TimerRunReason;
  isPastDue: boolean;
  /** `skipped` when the scheduler stopped before the run began. */
  result: 'succeeded' | 'failed' | 'skipped';
  error?: string;
  startedAt?: Date;
}

/** A timer's state as admin routes and tests see it. */
export interface TimerState {
  functionName: string;
  schedule: string;
  monitored: boolean;
  running: boolean;
  status: ScheduleStatus;
}

interface TimerEntry {
  fn: TimerFunction;
  schedule: Schedule;
  monitored: boolean;
  status: ScheduleStatus;
  cancelTimer: (() => void) | undefined;
  /** Runs are chained so that one function never runs twice at once; a late run delays the next. */
  tail: Promise<unknown>;
  running: boolean;
}

/** `setTimeout` takes at most 2^31 − 1 ms; longer waits are made of several. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

const realClock: TimerClock = {
  now: () => new Date(),
  setTimer: (callback, delayMs) => {
    const handle = setTimeout(callback, delayMs);
    handle.unref();
    return () => clearTimeout(handle);
  },
};

export class TimerScheduler {
  readonly #options: TimerSchedulerOptions;
  readonly #clock: TimerClock;
  readonly #store: TimerStatusStore;
  readonly #entries = new Map<string, TimerEntry>();
  #started = false;
  #stopped = false;

  constructor(options: TimerSchedulerOptions) {
    this.#options = options;
    this.#clock = options.clock ?? realClock;
    this.#store = new TimerStatusStore(options.dataDir);
  }

  /**
   * Reads each timer's status and arms it. A past-due or `runOnStartup` timer is queued to run at once
   * (in the background, as the host does); `idle()` waits for it.
   */
  async start(): Promise<void> {
    if (this.#started) throw new Error('The timer scheduler was already started; create a new one to start again.');
    this.#started = true;
    const functions =
      this.#options.functions ?? describeFunctions().filter((d): d is TimerFunction => d.kind === 'timer');
    for (const fn of functions) {
      try {
        await this.#startOne(fn);
      } catch (error) {
        this.#options.log('error', `Timer function '${fn.name}' was not started: ${(error as Error).message}`);
      }
    }
  }

  /** Runs a timer function now (admin/test), after any run in progress; its status is left alone. */
  fireNow(functionName: string): Promise<TimerRunOutcome> {
    const entry = this.#entries.get(functionName);
    if (!entry) return Promise.reject(new Error(`'${functionName}' is not a started timer function.`));
    return this.#enqueue(entry, 'manual', false);
  }

  /** Each started timer's schedule, status and whether it is running. */
  states(): TimerState[] {
    return [...this.#entries.values()].map((e) => ({
      functionName: e.fn.name,
      schedule: e.schedule.expression,
      monitored: e.monitored,
      running: e.running,
      status: { ...e.status },
    }));
  }

  /** Resolves when no run is queued or in progress. */
  async idle(): Promise<void> {
    for (;;) {
      const tails = [...this.#entries.values()].map((e) => e.tail);
      await Promise.all(tails);
      if ([...this.#entries.values()].every((e, i) => e.tail === tails[i])) return;
    }
  }

  /** Cancels every timer, skips queued runs and waits for the runs in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const entry of this.#entries.values()) {
      entry.cancelTimer?.();
      entry.cancelTimer = undefined;
    }
    await this.idle();
  }

  async #startOne(fn: TimerFunction): Promise<void> {
    const { timeZone, resolveSetting, log } = this.#options;
    const schedule = parseSchedule(fn.schedule, { timeZone, resolveSetting });
    const now = this.#clock.now();
    const monitored = isMonitored(schedule, fn.useMonitor, now);
    let status: ScheduleStatus = { Last: NEVER, Next: toStatusTime(schedule.next(now)), LastUpdated: NEVER };
    let pastDue = false;
    if (monitored) {
      const stored = await this.#store.read(fn.name).catch((error: Error) => {
        log('warning', `Timer '${fn.name}': ignoring its stored status: ${error.message}`);
        return undefined;
      });
      const check = checkPastDue(schedule, stored, now);
      ({ status, pastDue } = check);
      if (check.save) await this.#save(fn.name, status);
    }
    const entry: TimerEntry = {
      fn,
      schedule,
      monitored,
      status,
      cancelTimer: undefined,
      tail: Promise.resolve(),
      running: false,
    };
    this.#entries.set(fn.name, entry);
    const upcoming = schedule.occurrences(now, new Date(8.64e15), 5).map(toStatusTime).join(', ');
    log(
      'information',
      `Timer '${fn.name}': schedule '${schedule.expression}' (${schedule.timeZone}${monitored ? ', monitored' : ''}); next: ${upcoming}`,
    );
    if (pastDue || fn.runOnStartup) {
      log(
        'information',
        `Timer '${fn.name}' runs now: ${pastDue ? `past due (was due ${status.Next})` : 'runOnStartup'}.`,
      );
      this.#runThenArm(entry, pastDue ? 'pastDue' : 'startup', pastDue);
    } else this.#arm(entry);
  }

  #arm(entry: TimerEntry): void {
    if (this.#stopped) return;
    const target = Date.parse(entry.status.Next);
    const wait = (): void => {
      const delay = target - this.#clock.now().getTime();
      if (delay > MAX_TIMER_DELAY_MS) entry.cancelTimer = this.#clock.setTimer(wait, MAX_TIMER_DELAY_MS);
      else entry.cancelTimer = this.#clock.setTimer(() => this.#onDue(entry), Math.max(1, delay));
    };
    wait();
  }

  #onDue(entry: TimerEntry): void {
    entry.cancelTimer = undefined;
    this.#runThenArm(entry, 'schedule', false);
  }

  /** Queues a run and arms the next occurrence after it, so missed ticks collapse into one late run. */
  #runThenArm(entry: TimerEntry, reason: TimerRunReason, isPastDue: boolean): void {
    void this.#enqueue(entry, reason, isPastDue)
      .catch((error: Error) => this.#options.log('error', `Timer '${entry.fn.name}': ${error.message}`))
      .then(() => this.#arm(entry));
  }

  #enqueue(entry: TimerEntry, reason: TimerRunReason, isPastDue: boolean): Promise<TimerRunOutcome> {
    const run = entry.tail.then(() => this.#runOnce(entry, reason, isPastDue));
    entry.tail = run.catch(() => undefined);
    return run;
  }

  /** One run; never rejects — the function's errors are logged, as the host does. */
  async #runOnce(entry: TimerEntry, reason: TimerRunReason, isPastDue: boolean): Promise<TimerRunOutcome> {
    const { fn } = entry;
    const outcome: TimerRunOutcome = { functionName: fn.name, reason, isPastDue, result: 'skipped' };
    if (this.#stopped) return outcome;
    const { log, functionTimeoutMs } = this.#options;
    const startedAt = this.#clock.now();
    outcome.startedAt = startedAt;
    entry.running = true;
    try {
      const info = toTimerInfo(entry.monitored ? { ...entry.status } : null, isPastDue);
      log('debug', `Timer '${fn.name}' fired (${reason}) at ${toStatusTime(startedAt)}.`);
      const inputs = [
        { name: fn.triggerBindingName, data: { json: JSON.stringify(info) } },
        ...(this.#options.extraInputs?.(fn.name) ?? []),
      ];
      const retry = retryPolicyOf(fn.name);
      for (let retryCount = 0; ; retryCount++) {
        const retryContext = retry && { retryCount, maxRetryCount: retry.maxRetryCount };
        try {
          await invoke(fn.name, inputs, { timeoutMs: functionTimeoutMs, ...(retryContext ? { retryContext } : {}) });
          break;
        } catch (error) {
          const more = retry && !this.#stopped && (retry.maxRetryCount < 0 || retryCount < retry.maxRetryCount);
          if (!more) throw error;
          log(
            'warning',
            `Timer function '${fn.name}' failed (try ${retryCount + 1}); ` +
              `retrying: ${error instanceof Error ? error.message : String(error)}`,
          );
          await new Promise<void>((resolve) => this.#clock.setTimer(resolve, retry.delayMs(retryCount + 1)));
        }
      }
      outcome.result = 'succeeded';
    } catch (error) {
      outcome.result = 'failed';
      outcome.error = error instanceof Error ? error.message : String(error);
      log('error', `Timer function '${fn.name}' failed (${reason}): ${outcome.error}`);
    } finally {
      entry.running = false;
    }
    if (reason !== 'manual') {
      entry.status = statusAfterRun(entry.schedule, entry.status, startedAt, reason);
      if (entry.monitored) await this.#save(fn.name, entry.status);
    }
    return outcome;
  }

  async #save(functionName: string, status: ScheduleStatus): Promise<void> {
    try {
      await this.#store.write(functionName, status);
    } catch (error) {
      this.#options.log('error', `Timer '${functionName}': could not record its status: ${(error as Error).message}`);
    }
  }
}
