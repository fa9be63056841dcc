/**
 * Latency histogram with fixed log-spaced buckets, so counts from many instances and flushes add
 * up and percentiles can be computed from the sum (what Prometheus histograms do).
 */

/** Upper bounds in ms; the last bucket is open-ended. Changing them breaks stored metrics. */
export const BUCKET_BOUNDS_MS: readonly number[] = Object.freeze(
  Array.from({ length: 40 }, (_, i) => Math.round(0.1 * Math.pow(1.4, i) * 1000) / 1000),
);

export function emptyBuckets(): number[] {
  return new Array<number>(BUCKET_BOUNDS_MS.length + 1).fill(0);
}

export function bucketOf(ms: number): number {
  let lo = 0;
  let hi = BUCKET_BOUNDS_MS.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ms <= BUCKET_BOUNDS_MS[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The `q` quantile (0..1) estimated by linear interpolation inside the bucket; null when empty. */
export function quantile(buckets: readonly number[], q: number): number | null {
  const total = buckets.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    const count = buckets[i]!;
    if (count === 0) continue;
    if (seen + count >= rank) {
      const lower = i === 0 ? 0 : BUCKET_BOUNDS_MS[i - 1]!;
      const upper = BUCKET_BOUNDS_MS[i] ?? lower * 1.4;
      const within = (rank - seen) / count;
      return Math.round((lower + (upper - lower) * within) * 1000) / 1000;
    }
    seen += count;
  }
  return BUCKET_BOUNDS_MS[BUCKET_BOUNDS_MS.length - 1]!;
}
