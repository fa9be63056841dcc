/** Sketches: one pass, mergeable, and common bins that expose a moved distribution and not an unmoved one. */
import { seededRandom } from '../../../scripts/onnx/seededRandom';
import { driftValue } from '../../../shared/monitoring/driftMetrics';
import { driftResults } from '../../../shared/monitoring/driftResults';
import { featureHistogram } from '../../../shared/monitoring/featureHistogram';
import { FeatureSketch } from '../../../shared/monitoring/featureSketch';
import { FeatureSketches } from '../../../shared/monitoring/featureSketches';

function sketchOf(values: number[]): FeatureSketch {
  const s = new FeatureSketch();
  for (const v of values) s.add(v);
  return s;
}

describe('feature sketches and histograms', () => {
  // Seeded so the data is the same on every run.
  const r = seededRandom(7);
  const base = Array.from({ length: 5000 }, () => r() * 10);
  const same = Array.from({ length: 5000 }, () => r() * 10);
  const moved = Array.from({ length: 5000 }, () => r() * 10 + 4);

  it('puts every value in one bin, with the baseline split into about equal quantile bins', () => {
    const h = featureHistogram(sketchOf(base), sketchOf(same));
    expect(h.kind).toBe('numeric');
    expect(h.baseline.reduce((a, b) => a + b, 0)).toBe(5000);
    expect(h.current.reduce((a, b) => a + b, 0)).toBe(5000);
    expect(h.edges).toHaveLength(h.baseline.length + 1);
    for (const n of h.baseline) expect(Math.abs(n - 250)).toBeLessThan(30);
  });

  it('merges partial sketches into the same histogram as one sketch of everything', () => {
    const whole = sketchOf(base);
    const merged = sketchOf(base.slice(0, 1234)).merge(FeatureSketch.fromJSON(sketchOf(base.slice(1234)).toJSON()));
    expect(featureHistogram(merged, sketchOf(same))).toEqual(featureHistogram(whole, sketchOf(same)));
  });

  it('flags only the moved feature', () => {
    const baseline = new FeatureSketches();
    const current = new FeatureSketches();
    base.forEach((v, i) => baseline.addRow({ a: v, b: base[(i * 7) % 5000]!, colour: i % 3 ? 'red' : 'blue' }));
    same.forEach((v, i) => current.addRow({ a: moved[i]!, b: v, colour: i % 3 ? 'red' : 'blue' }));
    for (const metric of ['psi', 'jensenShannon', 'wasserstein', 'ks'] as const) {
      const threshold = { psi: 0.2, jensenShannon: 0.1, wasserstein: 0.1, ks: 0.1 }[metric];
      const features = driftResults(
        { signals: { dataDrift: { metric, threshold } } },
        { baseline, inputs: current, outputs: new FeatureSketches() },
      );
      expect(features.map((f) => f.name)).toEqual(['a', 'b', 'colour']);
      expect(features.filter((f) => f.drifted).map((f) => f.name)).toEqual(['a']);
      for (const f of features) expect(f.value).toBeCloseTo(driftValue(metric, f.histogram)!, 12);
      expect(features[2]!.histogram.kind).toBe('categorical');
    }
  });

  it('counts missing values apart and treats strings as categories', () => {
    const s = new FeatureSketch();
    for (const v of [1, null, '', 'x', Number.NaN]) s.add(v);
    expect(s.toJSON()).toMatchObject({ count: 2, missing: 3, textual: 1 });
  });
});
