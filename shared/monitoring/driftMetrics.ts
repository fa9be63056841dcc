/**
 * Drift metrics computed from a feature's histogram (the same counts a run stores, so anyone can
 * recompute a value from the result):
 * - `psi`: Σ (q − p) ln(q / p), empty bins counted as 0.0001 of their side (as Evidently does);
 * - `jensenShannon`: the Jensen-Shannon distance, √JSD with base-2 logarithms (0 to 1, scipy's `jensenshannon`);
 * - `ks`: the largest gap between the two cumulative distributions at the bin boundaries;
 * - `wasserstein`: the earth mover's distance with each bin's mass at its centre, divided by the
 *   baseline's standard deviation (same placement) so one threshold fits any scale; raw when that is 0.
 * On categorical histograms `ks` and `wasserstein` are the total variation distance ½ Σ |p − q| (which is
 * the Wasserstein distance under the 0/1 metric).
 * A histogram with an empty side has no value (null).
 *
 * @example driftValue('psi', { kind: 'numeric', edges: [0, 1, 2], baseline: [50, 50], current: [10, 90] })
 */
import type { DriftMetric, FeatureHistogram } from '../api/schemas';

const EPSILON = 0.0001;

function proportions(counts: readonly number[]): number[] {
  const total = counts.reduce((a, n) => a + n, 0);
  return counts.map((n) => n / total);
}

export function psi(p: readonly number[], q: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    const a = Math.max(p[i]!, EPSILON);
    const b = Math.max(q[i]!, EPSILON);
    sum += (b - a) * Math.log(b / a);
  }
  return sum;
}

export function jensenShannon(p: readonly number[], q: readonly number[]): number {
  let divergence = 0;
  for (let i = 0; i < p.length; i++) {
    const m = (p[i]! + q[i]!) / 2;
    if (p[i]! > 0) divergence += 0.5 * p[i]! * Math.log2(p[i]! / m);
    if (q[i]! > 0) divergence += 0.5 * q[i]! * Math.log2(q[i]! / m);
  }
  return Math.sqrt(Math.max(0, divergence));
}

export function totalVariation(p: readonly number[], q: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += Math.abs(p[i]! - q[i]!);
  return sum / 2;
}

export function ks(p: readonly number[], q: readonly number[]): number {
  let cp = 0;
  let cq = 0;
  let gap = 0;
  for (let i = 0; i < p.length; i++) {
    cp += p[i]!;
    cq += q[i]!;
    gap = Math.max(gap, Math.abs(cp - cq));
  }
  return gap;
}

export function binCentres(edges: readonly number[]): number[] {
  return edges.slice(1).map((hi, i) => (edges[i]! + hi) / 2);
}

export function wasserstein(p: readonly number[], q: readonly number[], centres: readonly number[]): number {
  let cp = 0;
  let cq = 0;
  let distance = 0;
  for (let i = 0; i < p.length - 1; i++) {
    cp += p[i]!;
    cq += q[i]!;
    distance += Math.abs(cp - cq) * (centres[i + 1]! - centres[i]!);
  }
  const mean = p.reduce((a, w, i) => a + w * centres[i]!, 0);
  const std = Math.sqrt(p.reduce((a, w, i) => a + w * (centres[i]! - mean) ** 2, 0));
  return std > 0 ? distance / std : distance;
}

/** The metric's value on the histogram, or null when either side is empty. */
export function driftValue(metric: DriftMetric, histogram: FeatureHistogram): number | null {
  const sum = (xs: readonly number[]) => xs.reduce((a, n) => a + n, 0);
  if (histogram.baseline.length === 0 || sum(histogram.baseline) === 0 || sum(histogram.current) === 0) return null;
  const p = proportions(histogram.baseline);
  const q = proportions(histogram.current);
  switch (metric) {
    case 'psi':
      return psi(p, q);
    case 'jensenShannon':
      return jensenShannon(p, q);
    case 'ks':
      return histogram.kind === 'categorical' ? totalVariation(p, q) : ks(p, q);
    case 'wasserstein':
      return histogram.kind === 'categorical'
        ? totalVariation(p, q)
        : wasserstein(p, q, binCentres(histogram.edges ?? []));
  }
}
