/**
 * The reference answers: the same model run in-process with onnxruntime-node on the same rows, so
 * end-to-end tests compare the server's outputs with what ONNX Runtime itself computes.
 */
import * as ort from 'onnxruntime-node';

/** One FP32 input given as rows (`[-1, width]`). */
export type Rows = number[][];

/** Runs `bytes` once with FP32 row inputs; returns each output as nested rows `[batch][width]`. */
export async function ortRows(bytes: Uint8Array, inputs: Record<string, Rows>): Promise<Record<string, number[][]>> {
  const session = await ort.InferenceSession.create(Buffer.from(bytes));
  try {
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, rows] of Object.entries(inputs)) {
      const width = rows[0]?.length ?? 0;
      feeds[name] = new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, width]);
    }
    const results = await session.run(feeds);
    const out: Record<string, number[][]> = {};
    for (const [name, tensor] of Object.entries(results)) {
      const [batch = 1, width = 1] = tensor.dims;
      const data = Array.from(tensor.data as Float32Array);
      out[name] = Array.from({ length: batch }, (_, r) => data.slice(r * width, (r + 1) * width));
    }
    return out;
  } finally {
    await session.release();
  }
}

/**
 * Expects `actual` (parsed JSON) to equal `expected` FP32 rows exactly: JSON carries a float32's
 * shortest round-trip decimal, which reads back as the same float32.
 */
export function sameFloat32Rows(actual: unknown, expected: number[][]): boolean {
  if (!Array.isArray(actual) || actual.length !== expected.length) return false;
  return expected.every((row, r) => {
    const got: unknown = actual[r];
    return Array.isArray(got) && got.length === row.length && row.every((v, i) => Math.fround(Number(got[i])) === v);
  });
}
