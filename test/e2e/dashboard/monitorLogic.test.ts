/** The Monitors tab's DOM-free logic: histogram shares per bin and signal series from a monitor's history. */
import { binShares, signalSeries } from '../../../web/src/monitorSeries';

describe('monitor charts', () => {
  it('turns counts into shares with bin labels', () => {
    expect(binShares({ kind: 'numeric', edges: [0, 1, 2.5], baseline: [1, 3], current: [2, 2] })).toEqual({
      labels: ['0 – 1', '1 – 2.5'],
      baseline: [0.25, 0.75],
      current: [0.5, 0.5],
    });
    expect(binShares({ kind: 'categorical', categories: ['red', 'blue'], baseline: [0, 0], current: [4, 1] })).toEqual({
      labels: ['red', 'blue'],
      baseline: [0, 0],
      current: [0.8, 0.2],
    });
  });

  it('gives one series per signal and feature over the runs, null where a run had no value', () => {
    const series = signalSeries({
      signals: { dataDrift: { metric: 'psi', threshold: 0.2 }, predictionDrift: { metric: 'ks', threshold: 0.1 } },
      history: [
        {
          runId: 'r1',
          completedAt: '2026-01-01T00:00:00.000Z',
          values: { 'dataDrift:a': 0.1, 'dataDrift:b': null, 'predictionDrift:y': 0.05 },
          drifted: [],
        },
        {
          runId: 'r2',
          completedAt: '2026-01-01T01:00:00.000Z',
          values: { 'dataDrift:a': 0.4, 'dataDrift:b': 0.01 },
          drifted: ['a'],
        },
      ],
    });
    expect(series).toEqual([
      {
        signal: 'dataDrift',
        metric: 'psi',
        features: ['a', 'b'],
        times: [Date.parse('2026-01-01T00:00:00Z'), Date.parse('2026-01-01T01:00:00Z')],
        values: [
          [0.1, 0.4],
          [null, 0.01],
        ],
      },
      {
        signal: 'predictionDrift',
        metric: 'ks',
        features: ['y'],
        times: [Date.parse('2026-01-01T00:00:00Z'), Date.parse('2026-01-01T01:00:00Z')],
        values: [[0.05, null]],
      },
    ]);
  });
});
