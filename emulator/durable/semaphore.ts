/** Counting semaphore for orchestrator episodes (`maxConcurrentOrchestratorFunctions`). */
export type Release = () => void;

export class Semaphore {
  private available: number;
  private readonly waiters: ((release: Release | undefined) => void)[] = [];
  private closed = false;

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`The concurrency limit must be a positive integer, got ${String(limit)}.`);
    this.available = limit;
  }

  /** A release function once a slot is free; undefined once the semaphore is closed. */
  acquire(): Promise<Release | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    if (this.available > 0) {
      this.available--;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Wakes every waiter with undefined; later acquires get undefined at once. */
  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next(this.releaser());
      else this.available++;
    };
  }
}
