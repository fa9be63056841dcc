/**
 * The host's HTTP request queue (`HttpRequestQueue`, an `ActionBlock` with `BoundedCapacity` =
 * `maxOutstandingRequests` and `MaxDegreeOfParallelism` = `maxConcurrentRequests`): at most that many
 * requests run at once, the rest wait in arrival order, and a request that finds the queue full is not
 * taken (HttpThrottleMiddleware answers it 429). The capacity counts running requests as well as waiting ones.
 */
export class RequestThrottle {
  readonly #maxOutstanding: number;
  readonly #maxConcurrent: number;
  #outstanding = 0;
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(limits: { maxOutstandingRequests?: number; maxConcurrentRequests?: number }) {
    this.#maxOutstanding = limits.maxOutstandingRequests ?? Infinity;
    this.#maxConcurrent = limits.maxConcurrentRequests ?? Infinity;
  }

  /**
   * Runs `work` now or once a running request ends, and settles when it has; undefined, with `work` never
   * run, when the queue is full.
   */
  admit(work: () => Promise<void>): Promise<void> | undefined {
    if (this.#outstanding >= this.#maxOutstanding) return undefined;
    this.#outstanding += 1;
    if (this.#running < this.#maxConcurrent) return this.#run(work);
    return new Promise<void>((resolve, reject) => {
      this.#waiting.push(() => void this.#run(work).then(resolve, reject));
    });
  }

  #run(work: () => Promise<void>): Promise<void> {
    this.#running += 1;
    const done = () => {
      this.#running -= 1;
      this.#outstanding -= 1;
      this.#waiting.shift()?.();
    };
    let running: Promise<void>;
    try {
      running = work();
    } catch (error) {
      running = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    running.then(done, done);
    return running;
  }
}
