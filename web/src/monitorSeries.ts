/**
 * The DOM-free part of the Monitors tab: a feature histogram as shares per labelled bin, and a
 * monitor's run history as one time series per signal and feature.
 *
 * @example signalSeries(monitor) // [{ signal: 'dataDrift', metric: 'psi', features: ['a', 'b'], times, values }]
 */
import type { FeatureHistogram, Monitor } from '../../shared/api/schemas';
import { formatNumber } from './ui/format';

export interface BinShares {
  labels: string[];
  baseline: number[];
  current: number[];
}

const shares = (counts: readonly number[]) => {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((n) => (total ? n / total : 0));
};

export function binShares(histogram: FeatureHistogram): BinShares {
  const edges = histogram.edges ?? [];
  const labels = histogram.baseline.map((_, i) =>
    histogram.kind === 'categorical'
      ? (histogram.categories?.[i] ?? '')
      : `${formatNumber(edges[i] ?? 0)} – ${formatNumber(edges[i + 1] ?? 0)}`,
  );
  return { labels, baseline: shares(histogram.baseline), current: shares(histogram.current) };
}

export interface SignalSeries {
  signal: string;
  metric: string;
  features: string[];
  /** Run completion times, ms since the epoch. */
  times: number[];
  /** One array per feature, aligned with `times` (null: no value that run). */
  values: (number | null)[][];
}

export function signalSeries(monitor: Pick<Monitor, 'history' | 'signals'>): SignalSeries[] {
  const keys = [...new Set(monitor.history.flatMap((entry) => Object.keys(entry.values)))];
  const signals = [...new Set(keys.map((key) => key.slice(0, key.indexOf(':'))))];
  const times = monitor.history.map((entry) => Date.parse(entry.completedAt));
  return signals.map((signal) => {
    const mine = keys.filter((key) => key.startsWith(`${signal}:`));
    return {
      signal,
      metric: monitor.signals[signal as keyof Monitor['signals']]?.metric ?? '',
      features: mine.map((key) => key.slice(signal.length + 1)),
      times,
      values: mine.map((key) => monitor.history.map((entry) => entry.values[key] ?? null)),
    };
  });
}
