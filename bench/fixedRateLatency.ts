/**
 * Latency of two targets at one fixed, moderate request rate, measured in the same run: requests are
 * sent on a clock (open loop: a slow answer does not hold back the next request), and the target
 * switches every slice, so load from elsewhere on a shared machine falls on both alike. Latencies are
 * timed to the microsecond (autocannon's histogram keeps whole milliseconds, too coarse for a 5% budget).
 * Beside each side's percentiles, `pairedP50Ratio` compares each slice of `b` with the slice of `a` just
 * before it (median over those pairs of b's slice median over a's), which cancels load that drifts slowly.
 *
 * @example const { a, b } = await fixedRateLatency(off, on, { rate: 300, seconds: 20 });
 */
import * as http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface RateTarget {
  url: string;
  body: string;
  headers?: Record<string, string>;
}

export interface RateOptions {
  /** Requests per second, over both targets together. */
  rate: number;
  /** Measured seconds (after a warm-up of a fifth of that, discarded). */
  seconds: number;
  /** How long one target is sent to before the other (500 ms). */
  sliceMs?: number;
}

export interface LatencyResult {
  requests: number;
  failed: number;
  /** The failed ones by what they got: a status (`429`) or `error` (no answer). */
  failures: Record<string, number>;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  meanMs: number;
}

export interface LatencyComparison {
  a: LatencyResult;
  b: LatencyResult;
  /** Median over adjacent slice pairs of (b's median latency / a's): 1 = no difference. */
  pairedP50Ratio: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function median(values: number[]): number {
  return percentile(
    [...values].sort((x, y) => x - y),
    50,
  );
}

function pairedRatio(slices: Map<number, number[]>): number {
  const ratios: number[] = [];
  for (const [slice, bs] of slices) {
    const as = slices.get(slice - 1);
    if (slice % 2 === 1 && as?.length && bs.length) ratios.push(median(bs) / median(as));
  }
  return ratios.length ? Math.round(median(ratios) * 10000) / 10000 : NaN;
}

function summarise(latencies: number[], failures: Record<string, number>): LatencyResult {
  const failed = Object.values(failures).reduce((n, c) => n + c, 0);
  const sorted = [...latencies].sort((x, y) => x - y);
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return {
    requests: latencies.length,
    failed,
    failures,
    p50Ms: round(percentile(sorted, 50)),
    p90Ms: round(percentile(sorted, 90)),
    p99Ms: round(percentile(sorted, 99)),
    meanMs: round(sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length)),
  };
}

/** One request; `outcome` is its status, or `error` when no answer came. */
function send(agent: http.Agent, target: RateTarget): Promise<{ ms: number; outcome: number | 'error' }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.request(
      target.url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(target.body),
          ...target.headers,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ ms: performance.now() - started, outcome: res.statusCode ?? 'error' }));
      },
    );
    req.on('error', () => resolve({ ms: performance.now() - started, outcome: 'error' }));
    req.end(target.body);
  });
}

/** `a` and `b` at `rate` requests/s, alternating every slice; each side's latencies over the measured time. */
export async function fixedRateLatency(a: RateTarget, b: RateTarget, options: RateOptions): Promise<LatencyComparison> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const sliceMs = options.sliceMs ?? 500;
  const interval = 1000 / options.rate;
  const warmupMs = (options.seconds * 1000) / 5;
  const totalMs = warmupMs + options.seconds * 1000;
  const seen = { a: [] as number[], b: [] as number[] };
  const failures = { a: {} as Record<string, number>, b: {} as Record<string, number> };
  /** Latencies per slice number (even: a, odd: b). */
  const slices = new Map<number, number[]>();
  const pending: Promise<void>[] = [];
  const start = performance.now();
  let sent = 0;
  try {
    for (;;) {
      const now = performance.now() - start;
      if (now >= totalMs) break;
      // Every request due by now goes out (a late timer sends its backlog at once, as clients would).
      while (sent * interval <= now) {
        const at = sent * interval;
        const slice = Math.floor(at / sliceMs);
        const side = slice % 2 === 0 ? 'a' : 'b';
        const measured = at >= warmupMs;
        pending.push(
          send(agent, side === 'a' ? a : b).then(({ ms, outcome }) => {
            if (!measured) return;
            if (outcome === 'error' || outcome < 200 || outcome >= 300) {
              failures[side][outcome] = (failures[side][outcome] ?? 0) + 1;
              return;
            }
            seen[side].push(ms);
            slices.set(slice, [...(slices.get(slice) ?? []), ms]);
          }),
        );
        sent++;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, sent * interval - (performance.now() - start))));
    }
    await Promise.all(pending);
  } finally {
    agent.destroy();
  }
  return {
    a: summarise(seen.a, failures.a),
    b: summarise(seen.b, failures.b),
    pairedP50Ratio: pairedRatio(slices),
  };
}
