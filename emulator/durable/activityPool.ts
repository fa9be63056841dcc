/**
 * Runs queued jobs with at most `limit` in flight (host.json
 * `extensions.durableTask.maxConcurrentActivityFunctions`, or the orchestrator limit). FIFO.
 */
export type Job = () => Promise<void>;

export class ActivityPool {
  private readonly queue: Job[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`The concurrency limit must be a positive integer, got ${String(limit)}.`);
  }

  get running(): number {
    return this.inFlight.size;
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Queues a job; errors are the job's own business (it must not reject). */
  run(job: Job): void {
    if (this.stopped) return;
    this.queue.push(job);
    this.pump();
  }

  /** Drops queued jobs and waits up to `graceMs` for running ones; returns how many were abandoned. */
  async stop(graceMs: number): Promise<number> {
    this.stopped = true;
    this.queue.length = 0;
    if (this.inFlight.size === 0) return 0;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), graceMs);
      timer.unref();
    });
    const result = await Promise.race([Promise.allSettled([...this.inFlight]).then(() => 'done' as const), timeout]);
    clearTimeout(timer);
    return result === 'done' ? 0 : this.inFlight.size;
  }

  private pump(): void {
    while (!this.stopped && this.inFlight.size < this.limit && this.queue.length > 0) {
      const job = this.queue.shift()!;
      const running: Promise<void> = job()
        .catch(() => undefined)
        .finally(() => {
          this.inFlight.delete(running);
          this.pump();
        });
      this.inFlight.add(running);
    }
  }
}
