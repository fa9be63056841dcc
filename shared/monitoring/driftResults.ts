/**
 * The features of a monitor run: for `dataDrift`, each watched input column (default every input
 * column collected in the window, else every baseline column that is not an output); for
 * `predictionDrift`, each output column; each compared with the baseline column of the same name.
 *
 * @example const features = driftResults(spec, { baseline, inputs, outputs });
 */
import type { DriftSignal, FeatureResult, MonitorSpec } from '../api/schemas';
import { driftValue } from './driftMetrics';
import { featureHistogram } from './featureHistogram';
import { FeatureSketch } from './featureSketch';
import type { FeatureSketches } from './featureSketches';

export interface SourceSketches {
  baseline: FeatureSketches;
  inputs: FeatureSketches;
  outputs: FeatureSketches;
}

function resultsFor(
  signal: FeatureResult['signal'],
  config: DriftSignal,
  names: readonly string[],
  baseline: FeatureSketches,
  current: FeatureSketches,
): FeatureResult[] {
  return names.map((name) => {
    const histogram = featureHistogram(
      baseline.features.get(name) ?? new FeatureSketch(),
      current.features.get(name) ?? new FeatureSketch(),
    );
    const value = driftValue(config.metric, histogram);
    return {
      name,
      signal,
      metric: config.metric,
      value,
      threshold: config.threshold,
      drifted: value !== null && value > config.threshold,
      histogram,
    };
  });
}

export function driftResults(
  spec: Pick<MonitorSpec, 'features' | 'signals'>,
  sketches: SourceSketches,
): FeatureResult[] {
  const { baseline, inputs, outputs } = sketches;
  const outputNames = [...outputs.features.keys()];
  const inputNames =
    spec.features ??
    (inputs.features.size > 0
      ? [...inputs.features.keys()]
      : [...baseline.features.keys()].filter((n) => !outputs.features.has(n)));
  const results: FeatureResult[] = [];
  if (spec.signals.dataDrift)
    results.push(...resultsFor('dataDrift', spec.signals.dataDrift, inputNames, baseline, inputs));
  if (spec.signals.predictionDrift)
    results.push(...resultsFor('predictionDrift', spec.signals.predictionDrift, outputNames, baseline, outputs));
  return results;
}
