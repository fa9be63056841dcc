/** @jest-environment ./test/setup/ortTestEnvironment.ts */
import { GraphBuilder } from '../../../../scripts/onnx/graphBuilder';
import { fixedBatchModel, identityModel, twoInputModel } from '../../../../scripts/onnx/identityModels';
import { mlpModel, MLP_SIZES } from '../../../../scripts/onnx/mlpModel';
import { OIP_DATATYPES } from '../../../../shared/scoring/datatypes';
import { InvalidModelError, readSignature } from '../../../../shared/scoring/onnxSignature';

const sequenceOfFloats = { sequenceType: { elemType: { tensorType: { elemType: 1 } } } };

async function invalid(bytes: Uint8Array): Promise<InvalidModelError> {
  const error: unknown = await readSignature(bytes).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidModelError);
  expect((error as InvalidModelError).code).toBe('InvalidModel');
  return error as InvalidModelError;
}

describe('readSignature', () => {
  it.each(OIP_DATATYPES)('reads %s with -1 for the symbolic batch dim', async (datatype) => {
    const spec = { datatype, shape: [-1, 3] };
    await expect(readSignature(identityModel(datatype))).resolves.toEqual({
      inputs: [{ name: 'input', ...spec }],
      outputs: [{ name: 'output', ...spec }],
    });
  });

  it('keeps fixed dims, and unnamed dynamic dims are -1 too', async () => {
    expect((await readSignature(fixedBatchModel())).inputs).toEqual([{ name: 'x', datatype: 'FP32', shape: [2, 3] }]);
    expect((await readSignature(identityModel('INT32', [null, 'len', 5]))).inputs[0]!.shape).toEqual([-1, -1, 5]);
  });

  it('lists several inputs and outputs in model order', async () => {
    const sig = await readSignature(twoInputModel());
    expect(sig.inputs.map((s) => s.name)).toEqual(['x', 'y']);
    expect(sig.outputs.map((s) => s.name)).toEqual(['sum', 'product']);
  });

  it('leaves weights out of the inputs', async () => {
    expect((await readSignature(mlpModel(MLP_SIZES.tiny))).inputs.map((s) => s.name)).toEqual(['features']);
  });

  it('tells a scalar from a tensor of unknown rank', async () => {
    expect((await readSignature(identityModel('FP32', []))).inputs).toEqual([
      { name: 'input', datatype: 'FP32', shape: [] },
    ]);
    const noShape = new GraphBuilder().input('x', 'FP32').node('Identity', ['x'], ['y']).output('y', 'FP32').build();
    expect((await readSignature(noShape)).inputs).toEqual([
      { name: 'x', datatype: 'FP32', shape: [], unknownRank: true },
    ]);
  });

  it('refuses bytes that are not ONNX, truncated or empty', async () => {
    expect((await invalid(Buffer.from('definitely not a model'))).message).toMatch(
      /not an ONNX model, or it is truncated/,
    );
    const good = mlpModel(MLP_SIZES.tiny);
    expect((await invalid(good.subarray(0, Math.floor(good.length / 2)))).message).toMatch(/truncated/);
    expect((await invalid(good.subarray(0, 10))).message).toMatch(/truncated/);
    expect((await invalid(new Uint8Array(0))).message).toBe('The model file is empty');
    await expect(readSignature('model.onnx' as unknown as Uint8Array)).rejects.toThrow(/given as bytes/);
  });

  it('passes on what ONNX Runtime says about a graph it rejects', async () => {
    const unknownOp = new GraphBuilder()
      .input('x', 'FP32', [1])
      .node('NoSuchOp', ['x'], ['y'])
      .output('y', 'FP32', [1])
      .build();
    expect((await invalid(unknownOp)).message).toMatch(/^ONNX Runtime cannot open the model: .*NoSuchOp/);
  });

  it.each([
    [14, 'complex64'],
    [16, 'bfloat16'],
    [22, 'int4'],
  ])('names the input whose element type %d (%s) Sibyl cannot serve', async (elemType, typeName) => {
    const model = new GraphBuilder()
      .input('weird', elemType, [1])
      .node('Identity', ['weird'], ['out'])
      .output('out', elemType, [1])
      .build({ opset: 21, irVersion: 10 });
    const { message } = await invalid(model);
    expect(message).toContain(`'weird' has element type ${typeName}`);
    expect(message).toContain('supported: BOOL');
  });

  it('names a sequence input, which is not a tensor', async () => {
    const model = new GraphBuilder()
      .inputValue({ name: 'items', type: sequenceOfFloats })
      .node('SequenceLength', ['items'], ['count'])
      .output('count', 'INT64', [])
      .build();
    expect((await invalid(model)).message).toBe(
      "Input 'items' is a sequence, not a tensor; Sibyl serves tensor inputs and outputs only",
    );
  });
});
