/**
 * Each drift metric against a reference computed another way on the same histogram: PSI and
 * Jensen-Shannon term by term from the definitions, KS by comparing every pair of cumulative sums,
 * Wasserstein as the area between the quantile functions (the dual of the CDF form the code uses).
 */
import type { FeatureHistogram } from '../../../shared/api/schemas';
import { driftValue } from '../../../shared/monitoring/driftMetrics';

const numeric: FeatureHistogram = {
  kind: 'numeric',
  edges: [0, 1, 2, 3, 4],
  baseline: [10, 40, 40, 10],
  current: [5, 15, 40, 40],
};
const categorical: FeatureHistogram = {
  kind: 'categorical',
  categories: ['a', 'b', 'c'],
  baseline: [50, 30, 20],
  current: [20, 30, 50],
};

const norm = (xs: number[]) => xs.map((x) => x / xs.reduce((a, b) => a + b, 0));

describe('drift metrics match a reference computation on the same histogram', () => {
  const p = norm(numeric.baseline);
  const q = norm(numeric.current);

  it('psi', () => {
    const expected =
      (0.05 - 0.1) * Math.log(0.05 / 0.1) + (0.15 - 0.4) * Math.log(0.15 / 0.4) + 0 + (0.4 - 0.1) * Math.log(0.4 / 0.1);
    expect(driftValue('psi', numeric)).toBeCloseTo(expected, 12);
  });

  it('psi counts an empty bin as 0.0001', () => {
    const h: FeatureHistogram = { kind: 'numeric', edges: [0, 1, 2], baseline: [100, 0], current: [50, 50] };
    expect(driftValue('psi', h)).toBeCloseTo(
      (0.5 - 1) * Math.log(0.5 / 1) + (0.5 - 0.0001) * Math.log(0.5 / 0.0001),
      12,
    );
  });

  it('jensenShannon (distance, base 2)', () => {
    const m = p.map((x, i) => (x + q[i]!) / 2);
    const kl = (a: number[]) => a.reduce((s, x, i) => s + (x > 0 ? x * Math.log2(x / m[i]!) : 0), 0);
    expect(driftValue('jensenShannon', numeric)).toBeCloseTo(Math.sqrt((kl(p) + kl(q)) / 2), 12);
    // Identical distributions are 0, disjoint ones 1.
    expect(driftValue('jensenShannon', { ...numeric, current: numeric.baseline })).toBeCloseTo(0, 12);
    expect(
      driftValue('jensenShannon', { kind: 'numeric', edges: [0, 1, 2], baseline: [5, 0], current: [0, 5] }),
    ).toBeCloseTo(1, 12);
  });

  it('ks', () => {
    let best = 0;
    for (let k = 1; k <= p.length; k++)
      best = Math.max(
        best,
        Math.abs(p.slice(0, k).reduce((a, b) => a + b, 0) - q.slice(0, k).reduce((a, b) => a + b, 0)),
      );
    expect(driftValue('ks', numeric)).toBeCloseTo(best, 12);
  });

  it('wasserstein, normalised by the baseline standard deviation', () => {
    const centres = [0.5, 1.5, 2.5, 3.5];
    // Area between the quantile functions of the two step distributions, by fine integration over u.
    const quantile = (w: number[], u: number) => {
      let c = 0;
      for (let i = 0; i < w.length; i++) if ((c += w[i]!) >= u - 1e-12) return centres[i]!;
      return centres[centres.length - 1]!;
    };
    const steps = 200000;
    let area = 0;
    for (let s = 0; s < steps; s++)
      area += Math.abs(quantile(p, (s + 0.5) / steps) - quantile(q, (s + 0.5) / steps)) / steps;
    const mean = p.reduce((a, w, i) => a + w * centres[i]!, 0);
    const std = Math.sqrt(p.reduce((a, w, i) => a + w * (centres[i]! - mean) ** 2, 0));
    expect(driftValue('wasserstein', numeric)).toBeCloseTo(area / std, 4);
  });

  it('ks and wasserstein are the total variation distance on categories', () => {
    const tv = 0.5 * (0.3 + 0 + 0.3);
    expect(driftValue('ks', categorical)).toBeCloseTo(tv, 12);
    expect(driftValue('wasserstein', categorical)).toBeCloseTo(tv, 12);
    expect(driftValue('psi', categorical)).toBeCloseTo(
      (0.2 - 0.5) * Math.log(0.2 / 0.5) + (0.5 - 0.2) * Math.log(0.5 / 0.2),
      12,
    );
  });

  it('has no value when a side is empty', () => {
    expect(driftValue('psi', { ...numeric, current: [0, 0, 0, 0] })).toBeNull();
    expect(driftValue('ks', { kind: 'numeric', edges: [], baseline: [], current: [] })).toBeNull();
  });
});
