/** Plain-JS forward passes, written independently of ONNX Runtime, to check what the models compute. */
import type { DenseLayer } from '../../../../scripts/onnx/mlpModel';

/** Gemm + bias, Relu between layers; no head. Float64 arithmetic. */
export function denseForward(layers: readonly DenseLayer[], row: readonly number[]): number[] {
  let x = [...row];
  layers.forEach((layer, li) => {
    const y: number[] = [];
    for (let o = 0; o < layer.outSize; o++) {
      let sum = layer.bias[o]!;
      for (let i = 0; i < layer.inSize; i++) sum += x[i]! * layer.weights[i * layer.outSize + o]!;
      y.push(li + 1 < layers.length ? Math.max(0, sum) : sum);
    }
    x = y;
  });
  return x;
}

export const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

export function softmax(values: readonly number[]): number[] {
  const max = Math.max(...values);
  const exps = values.map((v) => Math.exp(v - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

/** Deterministic feature rows in [-1, 1). */
export function sampleRows(count: number, width: number): number[][] {
  return Array.from({ length: count }, (_, r) => Array.from({ length: width }, (_, c) => Math.sin(r * 31 + c * 7 + 1)));
}

/** Asserts `actual` matches `expected` within 1e-5 (relative for values past 1). */
export function expectClose(actual: ArrayLike<number>, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => {
    const diff = Math.abs(actual[i]! - e);
    if (diff > 1e-5 * Math.max(1, Math.abs(e)))
      throw new Error(`value ${i}: got ${actual[i]}, expected ${e} (diff ${diff})`);
  });
}
