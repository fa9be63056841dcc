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
