/**
 * `allowSpinning: false` (what the Function App's deployments and the scorer use) reaches ONNX Runtime as its
 * `session.intra_op.allow_spinning` and `inter_op` settings, and a session opened so scores exactly as one that spins.
 */
import { InferenceSession } from 'onnxruntime-node';
import { MLP_SIZES, mlpModel } from '../../../../scripts/onnx/mlpModel';
import type { NamedTensor } from '../../../../shared/scoring/datatypes';
import { ModelSession } from '../../../../shared/scoring/modelSession';

const features: NamedTensor = {
  name: 'features',
  datatype: 'FP32',
  shape: [3, 16],
  data: Float32Array.from({ length: 48 }, (_, i) => Math.sin(i) * 4),
};

afterEach(() => jest.restoreAllMocks());

it('passes allow_spinning 0 to ONNX Runtime only when spinning is turned off', async () => {
  const create = jest.spyOn(InferenceSession, 'create');
  const quiet = await ModelSession.load(mlpModel(MLP_SIZES.tiny), { allowSpinning: false });
  const spinning = await ModelSession.load(mlpModel(MLP_SIZES.tiny));
  const optionsOf = (call: number) => create.mock.calls[call]![1] as InferenceSession.SessionOptions;
  expect(optionsOf(0).extra).toEqual({
    session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } },
  });
  expect(optionsOf(1).extra).toBeUndefined();
  try {
    const [a] = await quiet.run([features]);
    const [b] = await spinning.run([features]);
    expect(a!.shape).toEqual([3, 4]);
    expect(Array.from(a!.data as Float32Array)).toEqual(Array.from(b!.data as Float32Array));
  } finally {
    await quiet.release();
    await spinning.release();
  }
});
