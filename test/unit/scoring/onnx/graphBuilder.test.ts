/** @jest-environment ./test/setup/ortTestEnvironment.ts */
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { attr, GraphBuilder } from '../../../../scripts/onnx/graphBuilder';

describe('GraphBuilder', () => {
  it('writes a ModelProto with IR 8, opset 17, typed inputs and symbolic dims', () => {
    const bytes = new GraphBuilder('g')
      .input('x', 'FP32', ['batch', 3])
      .node('Identity', ['x'], ['y'])
      .output('y', 'FP32', ['batch', 3])
      .build({ metadata: { purpose: 'test' } });
    const model = onnx.ModelProto.decode(bytes);
    expect(Number(model.irVersion)).toBe(8);
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    const dims = model.graph!.input![0]!.type!.tensorType!.shape!.dim!;
    expect(dims.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['batch', 3]);
    expect(model.metadataProps.map((p) => [p.key, p.value])).toEqual([['purpose', 'test']]);
  });

  it('builds models ONNX Runtime runs: initializers and int/float attributes', async () => {
    // y = LeakyRelu(Gemm(x, W, b, alpha = 2, transB = 1), alpha = 0.5)
    const bytes = new GraphBuilder('gemm')
      .input('x', 'FP32', [null, 2])
      .initializer('W', new Float32Array([1, 2, 3, 4]), [2, 2])
      .initializer('b', new Float32Array([-100, 0]), [2])
      .node('Gemm', ['x', 'W', 'b'], ['g'], { alpha: attr.float(2), transB: attr.int(1) })
      .node('LeakyRelu', ['g'], ['y'], { alpha: attr.float(0.5) })
      .output('y', 'FP32', [null, 2])
      .build({ opset: 13 });
    const session = await InferenceSession.create(bytes);
    const { y } = await session.run({ x: new Tensor('float32', new Float32Array([1, 1]), [1, 2]) });
    // x · Wᵀ = [3, 7]; ·2 = [6, 14]; + b = [-94, 14]; LeakyRelu → [-47, 14]
    expect(Array.from(y!.data as Float32Array)).toEqual([-47, 14]);
    await session.release();
  });

  it('stores int64 initializers exactly', async () => {
    const big = 2n ** 62n + 1n;
    const bytes = new GraphBuilder('c')
      .input('x', 'INT64', [1])
      .initializer('k', new BigInt64Array([big]), [1])
      .node('Sub', ['x', 'k'], ['y'])
      .output('y', 'INT64', [1])
      .build();
    const session = await InferenceSession.create(bytes);
    const { y } = await session.run({ x: new Tensor('int64', new BigInt64Array([big + 5n]), [1]) });
    expect(y!.data).toEqual(new BigInt64Array([5n]));
    await session.release();
  });

  it('catches mistakes before ONNX Runtime would', () => {
    expect(() => new GraphBuilder().input('x', 'FP32', [1]).input('x', 'FP32', [1])).toThrow(/defined twice/);
    expect(() => new GraphBuilder().node('Relu', ['nope'], ['y'])).toThrow(/reads 'nope', which nothing defines/);
    expect(() => new GraphBuilder().initializer('w', new Float32Array(3), [2, 2])).toThrow(/hold 4 values, data has 3/);
    expect(() => new GraphBuilder().input('x', 'FP32', [1]).output('z', 'FP32', [1]).build()).toThrow(
      /'z' is never produced/,
    );
  });

  it('accepts raw element types, so tests can build models Sibyl must refuse', () => {
    const bytes = new GraphBuilder().input('c', 14, [1]).node('Identity', ['c'], ['d']).output('d', 14, [1]).build();
    expect(onnx.ModelProto.decode(bytes).graph!.input![0]!.type!.tensorType!.elemType!).toBe(14);
  });
});
