/**
 * The data-collection budget (issue 18): scoring latency with collection on within 5% of it off. Beside
 * the saturated throughput of cases (a) and (f), each round measures both deployments at one fixed,
 * moderate rate (a share of what (a) answered at saturation in the first round), alternating between
 * them (fixedRateLatency.ts), and compares their p50 and p99. The verdict is on the paired slice ratio
 * (each "on" slice against the "off" slice before it), the least moved by other load on a shared machine.
 */
import type { ModelSize } from './benchModels';
import { fixedRateLatency, type LatencyResult, type RateTarget } from './fixedRateLatency';

export interface CollectionLatencyRound {
  model: ModelSize;
  /** Requests per second over both deployments together. */
  rate: number;
  off: LatencyResult;
  on: LatencyResult;
  /** Median over adjacent off/on slice pairs of on's median latency over off's. */
  pairedP50Ratio: number;
}

/** The budget: p50 with collection on over p50 with it off (paired by slice). */
export const LATENCY_TARGET = 1.05;

export async function measureCollectionLatency(
  model: ModelSize,
  rate: number,
  off: RateTarget,
  on: RateTarget,
  seconds: number,
): Promise<CollectionLatencyRound> {
  const { a, b, pairedP50Ratio } = await fixedRateLatency(off, on, { rate, seconds });
  return { model, rate, off: a, on: b, pairedP50Ratio };
}

const r3 = (n: number) => n.toPrecision(3);
const ms = (n: number) => n.toFixed(2);

/** One line per round, then per model the verdict on the mean paired p50 ratio of its rounds. */
export function renderCollectionLatency(
  rounds: CollectionLatencyRound[],
  counts: Partial<Record<ModelSize, { collected: number; dropped: number }>> = {},
): string[] {
  if (rounds.length === 0) return [];
  const lines = [
    'Data collection at a fixed moderate rate (open loop, on and off alternating every 500 ms, same run):',
  ];
  for (const r of rounds) {
    const failed = r.off.failed + r.on.failed;
    const what = (side: 'off' | 'on') =>
      Object.entries(r[side].failures).map(([outcome, n]) => `${side} ${n} × ${outcome}`);
    const failures = [...what('off'), ...what('on')].join(', ');
    lines.push(
      `  ${r.model} at ${r.rate} req/s: off p50 ${ms(r.off.p50Ms)} / p99 ${ms(r.off.p99Ms)} ms (${r.off.requests}), ` +
        `on p50 ${ms(r.on.p50Ms)} / p99 ${ms(r.on.p99Ms)} ms (${r.on.requests}); ` +
        `on/off p50 ${r3(r.on.p50Ms / r.off.p50Ms)} (paired by slice ${r3(r.pairedP50Ratio)}), ` +
        `p99 ${r3(r.on.p99Ms / r.off.p99Ms)}` +
        (failed ? `, ${failed} FAILED (${failures})` : ''),
    );
  }
  for (const model of [...new Set(rounds.map((r) => r.model))]) {
    const mine = rounds.filter((r) => r.model === model);
    const p50 = mine.map((r) => r.pairedP50Ratio);
    const p99 = mine.map((r) => r.on.p99Ms / r.off.p99Ms);
    const mean = p50.reduce((s, v) => s + v, 0) / p50.length;
    const range = (xs: number[]) => `${r3(Math.min(...xs))}–${r3(Math.max(...xs))}`;
    lines.push(
      `  ${model}: collection on / off, p50 latency at fixed rate (paired) = ${r3(mean)} (rounds ${range(p50)}; ` +
        `target ≤ ${LATENCY_TARGET}) ${mean <= LATENCY_TARGET ? 'PASS' : 'MISS'}; p99 rounds ${range(p99)}`,
    );
    const count = counts[model];
    if (count) lines.push(`  ${model}: over the run, ${count.collected} lines collected, ${count.dropped} dropped`);
  }
  return lines;
}
