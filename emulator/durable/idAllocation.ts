/**
 * Task ids the SDK allocates while it *processes an event* rather than when user code yields
 * (docs/local-host-contract.md, "Durable replay engine"): a retryable task's failure allocates a retry timer id, that timer's firing
 * allocates the next attempt's id, and a long timer's piece firing allocates the next piece's id.
 * The host must allocate the same ids in the same order, so an episode carries at most one such
 * event and only as its last event (user code that ran on earlier events allocated its ids first).
 */
import { EventType } from './historyEvents';
import type { HistoryEvent } from './historyEvents';
import type { ExecState, RetryChain, TaskInfo } from './executionState';
import type { RetryOptionsJson } from './actions';

/** Timer settings the host advertises in the orchestration trigger input (schema V3). */
export interface TimerSettings {
  /** `maximumShortTimerDuration`; longer timers are split by the SDK. */
  maxShortTimerMs: number;
  /** `longRunningTimerIntervalDuration`: the length of each piece of a long timer. */
  longTimerIntervalMs: number;
}

export const defaultTimerSettings: TimerSettings = {
  maxShortTimerMs: 6 * 86_400_000,
  longTimerIntervalMs: 3 * 86_400_000,
};

/** .NET TimeSpan text (`d.hh:mm:ss[.fff]`) for the trigger input; moment parses it back exactly. */
export function toTimeSpan(ms: number): string {
  const whole = Math.max(0, Math.floor(ms));
  const totalSeconds = Math.floor(whole / 1000);
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const h = Math.floor((totalSeconds % 86_400) / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const fraction = whole % 1000 === 0 ? '' : `.${pad(whole % 1000, 3)}`;
  return `${Math.floor(totalSeconds / 86_400)}.${pad(h)}:${pad(m)}:${pad(totalSeconds % 60)}${fraction}`;
}

export type Allocation =
  | { kind: 'retryTimer'; task: TaskInfo; chain: RetryChain }
  | { kind: 'retryAttempt'; task: TaskInfo; chain: RetryChain }
  | { kind: 'timerPiece'; task: TaskInfo };

/** The id allocation `event` causes when processed at time `ts`, if any. */
export function allocationFor(state: ExecState, event: HistoryEvent, ts: string): Allocation | undefined {
  if (event.EventType === EventType.TaskFailed || event.EventType === EventType.SubOrchestrationInstanceFailed) {
    const task = event.TaskScheduledId === undefined ? undefined : state.tasks.get(event.TaskScheduledId);
    const chain = task?.chain === undefined ? undefined : state.chains.get(task.chain);
    return task && chain ? { kind: 'retryTimer', task, chain } : undefined;
  }
  if (event.EventType !== EventType.TimerFired || event.TimerId === undefined) return undefined;
  const task = state.tasks.get(event.TimerId);
  if (!task) return undefined;
  if (task.chain !== undefined) {
    const chain = state.chains.get(task.chain);
    // The SDK reschedules while attempts remain; after the last failure the timer only surfaces the error.
    return chain && chain.failures < chain.options.maxNumberOfAttempts
      ? { kind: 'retryAttempt', task, chain }
      : undefined;
  }
  if (task.finalFireAt !== undefined && Date.parse(task.finalFireAt) > Date.parse(ts))
    return { kind: 'timerPiece', task };
  return undefined;
}

/** Delay before the next attempt after `failures` failures (DurableTask's RetryInterceptor). */
export function retryDelayMs(options: RetryOptionsJson, failures: number): number {
  const backoff =
    typeof options.backoffCoefficient === 'number' && options.backoffCoefficient > 0 ? options.backoffCoefficient : 1;
  let delay = options.firstRetryIntervalInMilliseconds * Math.pow(backoff, Math.max(0, failures - 1));
  const cap = options.maxRetryIntervalInMilliseconds;
  if (typeof cap === 'number' && cap > 0) delay = Math.min(delay, cap);
  return Number.isFinite(delay) && delay > 0 ? delay : 0;
}

/** Whether the chain's `retryTimeoutInMilliseconds` has run out at `ts`. */
export function retryExpired(chain: RetryChain, ts: string): boolean {
  const timeout = chain.options.retryTimeoutInMilliseconds;
  return typeof timeout === 'number' && timeout > 0 && Date.parse(ts) >= Date.parse(chain.firstTs) + timeout;
}

/** Fire time of the next piece of a long timer ending at `finalFireAt`, seen at `ts`. */
export function nextTimerPiece(finalFireAt: string, ts: string, settings: TimerSettings): string {
  const now = Date.parse(ts);
  const final = Date.parse(finalFireAt);
  return final - now > settings.maxShortTimerMs
    ? new Date(now + settings.longTimerIntervalMs).toISOString()
    : finalFireAt;
}
