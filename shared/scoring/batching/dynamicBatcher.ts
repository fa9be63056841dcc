/**
 * Triton-style dynamic batching for one deployment: requests that are queued together are stacked
 * on dim 0 and scored with one `run`, then the outputs are split back per request.
 *
 * - With `maxQueueDelayMs` 0 (default) a batch holds only what is already queued: submits made in
 *   the same turn of the event loop coalesce (flushed on `setImmediate`), and requests that arrive
 *   while a run is in flight form the next batch — which is what makes batching pay off under load.
 *   The next batch is taken on the turn after a run ends, once the I/O that waited on the run is read.
 * - With `maxQueueDelayMs` > 0 the oldest request waits up to that long for more rows, unless a
 *   full batch is ready first.
 * - Only requests with the same input names, datatypes and non-batch dims share a batch; others
 *   wait for their own. A request larger than `maxBatchSize` rows runs alone.
 * - If a batched run fails (or its outputs cannot be split), each request of that batch is run on
 *   its own, so a poison request fails only itself.
 * - Results are views (`subarray`) of the batch output; copy them before reusing that buffer.
 * - While the oldest request waits out `maxQueueDelayMs`, requests of other shapes queued behind it
 *   wait too (they are taken in arrival order once it leaves).
 */
import { performance } from 'node:perf_hooks';
import type { ModelSignature, NamedTensor } from '../datatypes';
import { batchKey, rowCount, splitTensors, stackTensors } from './stack';

/** Scores stacked feeds; resolves to the model outputs (dim 0 = total rows). */
export type RunBatch = (feeds: NamedTensor[]) => Promise<NamedTensor[]>;

export interface DynamicBatcherOptions {
  /** Most rows (sum of dim 0) in one run; an integer ≥ 1. */
  maxBatchSize: number;
  /** How long the oldest queued request may wait for more rows; default 0 (no waiting). */
  maxQueueDelayMs?: number;
  /** Runs allowed at once; default 1 (new requests queue while one is in flight). */
  maxInFlight?: number;
  run: RunBatch;
}

/** Counters for metrics (`meanBatchSize` in `api/endpoints/{name}/metrics`). */
export interface BatcherStats {
  /** Batches formed and run (a batch of one request counts). */
  batches: number;
  requests: number;
  rows: number;
  /** Mean rows per batch (Triton's inference_count / exec_count); 0 before the first batch. */
  meanBatchSize: number;
  meanRequestsPerBatch: number;
  /** Batches whose run failed and were retried request by request. */
  fallbacks: number;
  queued: number;
  inFlight: number;
}

interface Pending {
  feeds: NamedTensor[];
  rows: number;
  key: string | undefined;
  enqueuedAt: number;
  resolve: (outputs: NamedTensor[]) => void;
  reject: (error: unknown) => void;
}

/** A request in a batcher's queue: its outputs to come, and a way to take it back while it waits. */
export class QueuedRequest {
  constructor(
    readonly result: Promise<NamedTensor[]>,
    private readonly queue: Pending[],
    private readonly pending: Pending,
  ) {}

  /** Takes the request out of the queue unscored, rejecting it with `reason`; once it left, does nothing. */
  cancel(reason: Error): void {
    const at = this.queue.indexOf(this.pending);
    if (at < 0) return;
    this.queue.splice(at, 1);
    this.pending.reject(reason);
  }
}

/**
 * True when a model can be batched: every input and output has a dynamic first dimension.
 *
 * @example canBatch({ inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }], outputs: [...] })
 */
export function canBatch(signature: ModelSignature): boolean {
  const dynamic = (shape: readonly number[]): boolean => shape.length > 0 && shape[0] === -1;
  return (
    signature.inputs.length > 0 &&
    signature.inputs.every((s) => dynamic(s.shape)) &&
    signature.outputs.every((s) => dynamic(s.shape))
  );
}

/** Why a request left the queue: the signal's reason when it is an Error. */
export function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('The request was abandoned before it was scored.');
}

function requireInteger(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min)
    throw new RangeError(`${name} must be an integer ≥ ${min}; got ${value}`);
  return value;
}

/**
 * @example
 * const batcher = new DynamicBatcher({ maxBatchSize: 32, maxQueueDelayMs: 2, run: (feeds) => session.run(feeds) });
 * const outputs = await batcher.submit(tensors);
 */
export class DynamicBatcher {
  private readonly maxBatchSize: number;
  private readonly maxQueueDelayMs: number;
  private readonly maxInFlight: number;
  private readonly run: RunBatch;
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  private flushScheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly counts = { batches: 0, requests: 0, rows: 0, fallbacks: 0 };

  constructor(options: DynamicBatcherOptions) {
    this.maxBatchSize = requireInteger('maxBatchSize', options.maxBatchSize, 1);
    this.maxInFlight = requireInteger('maxInFlight', options.maxInFlight ?? 1, 1);
    const delay = options.maxQueueDelayMs ?? 0;
    if (!(delay >= 0 && Number.isFinite(delay))) throw new RangeError(`maxQueueDelayMs must be ≥ 0; got ${delay}`);
    this.maxQueueDelayMs = delay;
    this.run = options.run;
  }

  /**
   * Queues one request's input tensors; resolves to its own outputs. When `signal` aborts while the
   * request still waits in the queue, it leaves the queue unscored and rejects with the abort reason
   * (a request that timed out costs no model time).
   */
  submit(feeds: NamedTensor[], signal?: AbortSignal): Promise<NamedTensor[]> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const queued = this.enqueue(feeds);
    // Per-request signals: the listener goes with the signal; once dequeued it finds nothing to do.
    signal?.addEventListener('abort', () => queued.cancel(abortReason(signal)), { once: true });
    return queued.result;
  }

  /**
   * `submit` without a signal: the caller takes the request back with `cancel`, which costs no
   * AbortController or listener per request (the score path's hand-off).
   */
  enqueue(feeds: NamedTensor[]): QueuedRequest {
    let resolve!: (outputs: NamedTensor[]) => void;
    let reject!: (error: unknown) => void;
    const result = new Promise<NamedTensor[]>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const rows = rowCount(feeds);
    const pending: Pending = {
      feeds,
      rows: rows ?? 1,
      key: batchKey(feeds),
      enqueuedAt: performance.now(),
      resolve,
      reject,
    };
    this.queue.push(pending);
    this.schedule();
    return new QueuedRequest(result, this.queue, pending);
  }

  /** Pumps on the next turn of the event loop, after its I/O: what arrived by then joins the batch. */
  private schedule(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(this.flush);
  }

  private readonly flush = () => {
    this.flushScheduled = false;
    this.pump();
  };

  /** A snapshot of the counters. */
  stats(): BatcherStats {
    const { batches, requests, rows, fallbacks } = this.counts;
    return {
      batches,
      requests,
      rows,
      meanBatchSize: batches === 0 ? 0 : rows / batches,
      meanRequestsPerBatch: batches === 0 ? 0 : requests / batches,
      fallbacks,
      queued: this.queue.length,
      inFlight: this.inFlight,
    };
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.takeBatch();
      if (!batch) return;
      this.inFlight += 1;
      void this.execute(batch).finally(() => {
        this.inFlight -= 1;
        // Not at once: ONNX Runtime runs on this thread, so the requests that arrived during the run are
        // still unread; read first, they join the next batch instead of waiting out another run.
        this.schedule();
      });
    }
  }

  /** Picks the next batch from the queue head, or arms the delay timer and returns undefined. */
  private takeBatch(): Pending[] | undefined {
    const head = this.queue[0];
    if (!head) return undefined;
    const picked = new Set<Pending>([head]);
    let rows = head.rows;
    let full = head.key === undefined || rows >= this.maxBatchSize;
    if (!full) {
      for (const p of this.queue) {
        if (picked.has(p) || p.key !== head.key) continue;
        if (rows + p.rows > this.maxBatchSize) full = true;
        else {
          picked.add(p);
          rows += p.rows;
        }
      }
      full ||= rows >= this.maxBatchSize;
    }
    const waitMs = head.enqueuedAt + this.maxQueueDelayMs - performance.now();
    if (!full && waitMs > 0) {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, Math.ceil(waitMs));
      return undefined;
    }
    // The head leaves now; a timer armed for it must not keep the process alive for nothing.
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch: Pending[] = [];
    let kept = 0;
    for (const p of this.queue) {
      if (picked.has(p)) batch.push(p);
      else this.queue[kept++] = p;
    }
    this.queue.length = kept;
    return batch;
  }

  private async runOne(p: Pending): Promise<void> {
    try {
      p.resolve(await this.run(p.feeds));
    } catch (error) {
      p.reject(error);
    }
  }

  private async execute(batch: Pending[]): Promise<void> {
    this.counts.batches += 1;
    this.counts.requests += batch.length;
    this.counts.rows += batch.reduce((n, p) => n + p.rows, 0);
    const [only] = batch;
    if (only && batch.length === 1) return this.runOne(only);
    let parts: NamedTensor[][];
    try {
      const outputs = await this.run(stackTensors(batch.map((p) => p.feeds)));
      parts = splitTensors(
        outputs,
        batch.map((p) => p.rows),
      );
    } catch {
      // The batch error is not reported: each request gets its own outcome from its own run.
      this.counts.fallbacks += 1;
      for (const p of batch) await this.runOne(p);
      return;
    }
    batch.forEach((p, i) => p.resolve(parts[i] ?? []));
  }
}
