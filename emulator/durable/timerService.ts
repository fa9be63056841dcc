/**
 * Wall-clock timers for durable timers and retry delays, keyed per instance and task id. Delays
 * beyond what `setTimeout` accepts are re-armed in steps. Timers are unref'd: the host's servers
 * keep the process alive, and tests do not hang on them.
 */
const maxDelayMs = 2 ** 31 - 1;

export class TimerService {
  private readonly timers = new Map<string, Map<number, NodeJS.Timeout>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Calls `fire` at `fireAt` (ISO) unless disarmed; re-arming the same task replaces it. */
  arm(instanceId: string, taskId: number, fireAt: string, fire: () => void): void {
    this.disarm(instanceId, taskId);
    const due = Date.parse(fireAt);
    const step = (): void => {
      const delay = Math.max(0, (Number.isNaN(due) ? 0 : due) - this.now());
      const handle = setTimeout(
        () => {
          if (delay > maxDelayMs) return step();
          this.timers.get(instanceId)?.delete(taskId);
          fire();
        },
        Math.min(delay, maxDelayMs),
      );
      handle.unref();
      let perInstance = this.timers.get(instanceId);
      if (!perInstance) {
        perInstance = new Map<number, NodeJS.Timeout>();
        this.timers.set(instanceId, perInstance);
      }
      perInstance.set(taskId, handle);
    };
    step();
  }

  disarm(instanceId: string, taskId: number): void {
    const handle = this.timers.get(instanceId)?.get(taskId);
    if (handle) clearTimeout(handle);
    this.timers.get(instanceId)?.delete(taskId);
  }

  disarmInstance(instanceId: string): void {
    for (const handle of this.timers.get(instanceId)?.values() ?? []) clearTimeout(handle);
    this.timers.delete(instanceId);
  }

  clear(): void {
    for (const id of [...this.timers.keys()]) this.disarmInstance(id);
  }

  /** Number of armed timers (for tests and diagnostics). */
  get size(): number {
    let n = 0;
    for (const m of this.timers.values()) n += m.size;
    return n;
  }
}
