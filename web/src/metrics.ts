/**
 * Turns the metrics API's per-deployment minute series into chart columns: every minute of the
 * window is present (a minute without requests counts 0 requests and has no latency), and series of
 * several deployments or endpoints can be summed.
 */
import type { MetricPoint } from './api/types';

const MINUTE = 60_000;

export interface MinuteColumns {
  /** Minute start times, ms since the epoch, oldest first. */
  times: number[];
  requests: number[];
  errors: number[];
  p50: (number | null)[];
  p95: (number | null)[];
  p99: (number | null)[];
  batch: (number | null)[];
}

/** The `minutes` minute starts ending with the current minute. */
export function minuteGrid(minutes: number, now = Date.now()): number[] {
  const last = Math.floor(now / MINUTE) * MINUTE;
  return Array.from({ length: minutes }, (_, i) => last - (minutes - 1 - i) * MINUTE);
}

/** Lays `points` on the grid; minutes without a point get 0 requests and null latencies. */
export function toColumns(points: readonly MetricPoint[], grid: readonly number[]): MinuteColumns {
  const byMinute = new Map<number, MetricPoint>();
  for (const p of points) {
    const t = new Date(p.time).getTime();
    if (!Number.isNaN(t)) byMinute.set(Math.floor(t / MINUTE) * MINUTE, p);
  }
  const cols: MinuteColumns = { times: [...grid], requests: [], errors: [], p50: [], p95: [], p99: [], batch: [] };
  for (const t of grid) {
    const p = byMinute.get(t);
    const has = p !== undefined && p.requests > 0;
    cols.requests.push(p?.requests ?? 0);
    cols.errors.push(p?.errors ?? 0);
    cols.p50.push(has ? p.p50Ms : null);
    cols.p95.push(has ? p.p95Ms : null);
    cols.p99.push(has ? p.p99Ms : null);
    cols.batch.push(has ? p.meanBatchSize : null);
  }
  return cols;
}

/** Requests and errors per minute summed over several series on the same grid. */
export function sumRequests(
  series: readonly MinuteColumns[],
  grid: readonly number[],
): { requests: number[]; errors: number[] } {
  const requests = grid.map(() => 0);
  const errors = grid.map(() => 0);
  for (const s of series) {
    s.requests.forEach((v, i) => (requests[i]! += v));
    s.errors.forEach((v, i) => (errors[i]! += v));
  }
  return { requests, errors };
}

/** Totals over a window. */
export function totals(cols: { requests: number[]; errors: number[] }): { requests: number; errors: number } {
  return { requests: cols.requests.reduce((a, b) => a + b, 0), errors: cols.errors.reduce((a, b) => a + b, 0) };
}
