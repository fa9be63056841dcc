/**
 * Seeded feature rows for the monitoring tests: the same data on every run, with one feature moved
 * so that a monitor has exactly one drift to find.
 *
 * @example
 *   const baseline = driftRows(2000, 99); // four unmoved features
 *   const current = driftRows(1000, 11, 5); // feature `d` moved up by 5
 */
import { seededRandom } from '../../scripts/onnx/seededRandom';

/** Rows of four uniform(0, 10) features, `d` moved up by `shiftD`; float32 so they round-trip exactly. */
export function driftRows(count: number, seed: number, shiftD = 0): number[][] {
  const r = seededRandom(seed);
  return Array.from({ length: count }, () =>
    [r() * 10, r() * 10, r() * 10, r() * 10 + shiftD].map((v) => Math.fround(v)),
  );
}

/** The four features' names, in the baseline's header and the scoring requests' columns. */
export const DRIFT_COLUMNS = ['a', 'b', 'c', 'd'];
export const ROWS_PER_REQUEST = 25;

/** The baseline: 2,000 unmoved rows as CSV with a header. */
export function baselineCsv(): string {
  return [DRIFT_COLUMNS.join(','), ...driftRows(2000, 99).map((r) => r.join(','))].join('\n');
}

/** The rows of `requests` scoring requests after the drift: `d` moved up by 5, the others drawn as in the baseline. */
export function driftedRequests(requests: number): number[][][] {
  const rows = driftRows(requests * ROWS_PER_REQUEST, 11, 5);
  return Array.from({ length: requests }, (_, i) => rows.slice(i * ROWS_PER_REQUEST, (i + 1) * ROWS_PER_REQUEST));
}
