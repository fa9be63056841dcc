/** @jest-environment ./test/setup/ortTestEnvironment.ts */
import { MLP_SIZES, mlpLayers, mlpModel, type MlpSpec } from '../../../../scripts/onnx/mlpModel';
import { ModelSession } from '../../../../shared/scoring/modelSession';
import { readSignature } from '../../../../shared/scoring/onnxSignature';
import { denseForward, expectClose, sampleRows, sigmoid, softmax } from './referenceForward';

async function score(spec: MlpSpec, rows: number[][]): Promise<{ name: string; data: Float32Array; shape: number[] }> {
  const session = await ModelSession.load(mlpModel(spec));
  try {
    const data = Float32Array.from(rows.flat());
    const [out] = await session.run([{ name: 'features', datatype: 'FP32', shape: [rows.length, spec.inputs], data }]);
    return { name: out!.name, data: out!.data as Float32Array, shape: out!.shape };
  } finally {
    await session.release();
  }
}

describe('mlpModel', () => {
  it.each([
    ['tiny', MLP_SIZES.tiny],
    ['medium', MLP_SIZES.medium],
  ])('the %s MLP computes the same scores as a plain JS forward pass', async (_, size) => {
    const spec = { ...size, seed: 7 };
    const rows = sampleRows(3, spec.inputs);
    const out = await score(spec, rows);
    expect(out.name).toBe('scores');
    expect(out.shape).toEqual([3, spec.outputs]);
    const layers = mlpLayers(spec);
    rows.forEach((row, r) =>
      expectClose(out.data.subarray(r * spec.outputs, (r + 1) * spec.outputs), denseForward(layers, row)),
    );
  });

  it('softmax and sigmoid heads output probabilities', async () => {
    const rows = sampleRows(2, 16);
    const soft = await score({ ...MLP_SIZES.tiny, head: 'softmax' }, rows);
    const sig = await score({ ...MLP_SIZES.tiny, head: 'sigmoid' }, rows);
    const layers = mlpLayers(MLP_SIZES.tiny);
    expect(soft.name).toBe('probabilities');
    rows.forEach((row, r) => {
      const logits = denseForward(layers, row);
      expectClose(soft.data.subarray(r * 4, r * 4 + 4), softmax(logits));
      expectClose(sig.data.subarray(r * 4, r * 4 + 4), logits.map(sigmoid));
    });
  });

  it('declares features [-1, N] → scores [-1, M]', async () => {
    await expect(readSignature(mlpModel(MLP_SIZES.tiny))).resolves.toEqual({
      inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 16] }],
      outputs: [{ name: 'scores', datatype: 'FP32', shape: [-1, 4] }],
    });
  });

  it('is deterministic per seed and differs across seeds', () => {
    expect(Buffer.from(mlpModel({ ...MLP_SIZES.tiny, seed: 3 })).equals(mlpModel({ ...MLP_SIZES.tiny, seed: 3 }))).toBe(
      true,
    );
    expect(Buffer.from(mlpModel({ ...MLP_SIZES.tiny, seed: 3 })).equals(mlpModel({ ...MLP_SIZES.tiny, seed: 4 }))).toBe(
      false,
    );
  });

  it('runs two hidden layers (the heavy shape, 512 → 4096 → 4096 → 16, scaled down to stay fast)', async () => {
    expect(MLP_SIZES.heavy).toEqual({ inputs: 512, hidden: [4096, 4096], outputs: 16 });
    const spec = { inputs: 32, hidden: [96, 64], outputs: 16, seed: 9 };
    const rows = sampleRows(2, spec.inputs);
    const out = await score(spec, rows);
    expect(out.shape).toEqual([2, 16]);
    const layers = mlpLayers(spec);
    expect(layers.map((l) => [l.inSize, l.outSize])).toEqual([
      [32, 96],
      [96, 64],
      [64, 16],
    ]);
    rows.forEach((row, r) => expectClose(out.data.subarray(r * 16, r * 16 + 16), denseForward(layers, row)));
  });

  it('refuses sizes that are not positive whole numbers', () => {
    expect(() => mlpModel({ inputs: 0, hidden: [4], outputs: 2 })).toThrow(/Bad MLP sizes/);
    expect(() => mlpModel({ inputs: 4, hidden: [2.5], outputs: 2 })).toThrow(/Bad MLP sizes/);
  });
});
