/**
 * The baseline and current sketches of a feature brought onto common bins, which the drift metrics and
 * the dashboard read. Numeric bins are the baseline's 20-quantiles, widened to cover both ranges (so a
 * current distribution that left the baseline's range piles into the outer bins); categorical bins are
 * the 50 most frequent categories, the rest in `(other)`.
 *
 * @example const h = featureHistogram(baselineSketch, currentSketch); driftValue('psi', h);
 */
import type { FeatureHistogram } from '../api/schemas';
import { OTHER, type FeatureSketch } from './featureSketch';

const NUMERIC_BINS = 20;
const MAX_SHOWN_CATEGORIES = 50;

export function isCategorical(baseline: FeatureSketch, current: FeatureSketch): boolean {
  return baseline.textual > 0 || current.textual > 0;
}

function points(sketch: FeatureSketch): [number, number][] {
  return sketch.numericPoints().map(([v, n]): [number, number] => [Math.min(Math.max(v, sketch.min), sketch.max), n]);
}

function quantiles(sorted: readonly [number, number][], total: number, parts: number): number[] {
  const found: number[] = [];
  let cumulative = 0;
  let k = 1;
  for (const [value, n] of sorted) {
    cumulative += n;
    while (k < parts && cumulative >= (k / parts) * total) {
      found.push(value);
      k++;
    }
  }
  return found;
}

/** Index of the bin `value` falls in: how many interior edges are at or below it. */
function binOf(interior: readonly number[], value: number): number {
  let lo = 0;
  let hi = interior.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (interior[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function numericHistogram(baseline: FeatureSketch, current: FeatureSketch): FeatureHistogram {
  const b = points(baseline);
  const c = points(current);
  const lo = Math.min(baseline.min, current.min);
  const hi = Math.max(baseline.max, current.max);
  if (!Number.isFinite(lo)) return { kind: 'numeric', edges: [], baseline: [], current: [] };
  const interior = [...new Set(quantiles(b, baseline.count, NUMERIC_BINS))]
    .filter((q) => q > lo && q < hi)
    .sort((x, y) => x - y);
  const count = (pts: [number, number][]) => {
    const bins = new Array<number>(interior.length + 1).fill(0);
    for (const [v, n] of pts) bins[binOf(interior, v)]! += n;
    return bins;
  };
  return { kind: 'numeric', edges: [lo, ...interior, hi], baseline: count(b), current: count(c) };
}

function categoricalHistogram(baseline: FeatureSketch, current: FeatureSketch): FeatureHistogram {
  const names = new Set([...baseline.categories.keys(), ...current.categories.keys()]);
  names.delete(OTHER);
  const total = (name: string) => (baseline.categories.get(name) ?? 0) + (current.categories.get(name) ?? 0);
  const ranked = [...names].sort(
    (x, y) =>
      (baseline.categories.get(y) ?? 0) - (baseline.categories.get(x) ?? 0) ||
      total(y) - total(x) ||
      x.localeCompare(y),
  );
  const shown = ranked.slice(0, MAX_SHOWN_CATEGORIES);
  const rest = ranked.length > shown.length || baseline.categories.has(OTHER) || current.categories.has(OTHER);
  const count = (sketch: FeatureSketch) => {
    const counts = shown.map((name) => sketch.categories.get(name) ?? 0);
    if (rest) counts.push(sketch.count - counts.reduce((a, n) => a + n, 0));
    return counts;
  };
  return {
    kind: 'categorical',
    categories: rest ? [...shown, OTHER] : shown,
    baseline: count(baseline),
    current: count(current),
  };
}

export function featureHistogram(baseline: FeatureSketch, current: FeatureSketch): FeatureHistogram {
  return isCategorical(baseline, current)
    ? categoricalHistogram(baseline, current)
    : numericHistogram(baseline, current);
}
