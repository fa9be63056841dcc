/** @jest-environment ./test/setup/ortTestEnvironment.ts */
import { GraphBuilder } from '../../../../scripts/onnx/graphBuilder';
import { fixedBatchModel, identityModel, twoInputModel } from '../../../../scripts/onnx/identityModels';
import { MLP_SIZES, mlpModel } from '../../../../scripts/onnx/mlpModel';
import { SibylError } from '../../../../shared/errors';
import type { NamedTensor } from '../../../../shared/scoring/datatypes';
import { ExecutionProviderUnavailableError } from '../../../../shared/scoring/executionProviders';
import {
  exampleFeeds,
  ModelRunError,
  ModelSession,
  SessionClosedError,
  TensorInputError,
} from '../../../../shared/scoring/modelSession';
import { InvalidModelError } from '../../../../shared/scoring/onnxSignature';

const f32 = (name: string, shape: number[], values: number[]): NamedTensor => ({
  name,
  datatype: 'FP32',
  shape,
  data: Float32Array.from(values),
});

/** Reshapes its [-1, 3] input to [2, -1]: fine for 2 rows, fails for the 1-row warm-up default. */
const needsEvenRows = new GraphBuilder('even_rows')
  .input('x', 'FP32', ['batch', 3])
  .initializer('target', new BigInt64Array([2n, -1n]), [2])
  .node('Reshape', ['x', 'target'], ['y'])
  .output('y', 'FP32', [2, 'rest'])
  .build();

async function rejection(promise: Promise<unknown>): Promise<SibylError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SibylError);
  return error as SibylError;
}

describe('ModelSession lifecycle', () => {
  it('loads, warms with zero tensors, becomes ready and times each stage', async () => {
    const session = await ModelSession.load(mlpModel(MLP_SIZES.tiny), {
      intraOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
    expect(session.state).toBe('loaded');
    expect(session.ready).toBe(false);
    expect(session.loadMs).toBeGreaterThan(0);
    expect(session.executionProviders).toEqual(['cpu']);
    expect(session.warnings).toEqual([]);
    await session.warm();
    expect(session.state).toBe('ready');
    expect(session.ready).toBe(true);
    expect(session.warmMs).toBeGreaterThan(0);
    const { outputs, timings } = await session.runTimed([f32('features', [1, 16], new Array<number>(16).fill(1))]);
    expect(outputs[0]!.shape).toEqual([1, 4]);
    for (const ms of Object.values(timings)) expect(ms).toBeGreaterThanOrEqual(0);
    await session.release();
    expect(session.state).toBe('released');
    expect(session.ready).toBe(false);
  });

  it('runs with sleeping pool threads (allowSpinning false) as it runs with spinning ones', async () => {
    const feeds = [
      f32(
        'features',
        [3, 16],
        Array.from({ length: 48 }, (_, i) => Math.sin(i)),
      ),
    ];
    const answers = [];
    for (const allowSpinning of [true, false]) {
      const session = await ModelSession.load(mlpModel(MLP_SIZES.tiny), { intraOpNumThreads: 2, allowSpinning });
      answers.push(await session.run(feeds));
      await session.release();
    }
    expect(answers[1]).toEqual(answers[0]);
  });

  it('builds warm-up feeds from the signature, dynamic dims = 1', () => {
    const feeds = exampleFeeds({
      inputs: [
        { name: 'a', datatype: 'INT64', shape: [-1, 4] },
        { name: 'b', datatype: 'BYTES', shape: [2, -1] },
      ],
      outputs: [],
    });
    expect(feeds).toEqual([
      { name: 'a', datatype: 'INT64', shape: [1, 4], data: new BigInt64Array(4) },
      { name: 'b', datatype: 'BYTES', shape: [2, 1], data: ['', ''] },
    ]);
  });

  it('a model that cannot take the default warm-up stays not ready, and warms with examples', async () => {
    const session = await ModelSession.load(needsEvenRows);
    await expect(session.warm()).rejects.toBeInstanceOf(ModelRunError);
    expect(session.ready).toBe(false);
    await session.warm([f32('x', [2, 3], [1, 2, 3, 4, 5, 6])]);
    expect(session.ready).toBe(true);
    await session.release();
  });

  it('release waits for runs in flight, then refuses new ones', async () => {
    const session = await ModelSession.load(identityModel('FP32'));
    const running = session.run([f32('input', [1, 3], [1, 2, 3])]);
    const released = session.release();
    expect(session.state).toBe('releasing');
    await expect(running).resolves.toEqual([
      { name: 'output', datatype: 'FP32', shape: [1, 3], data: Float32Array.from([1, 2, 3]) },
    ]);
    await released;
    await expect(session.run([f32('input', [1, 3], [1, 2, 3])])).rejects.toBeInstanceOf(SessionClosedError);
    await expect(session.release()).resolves.toBeUndefined();
  });

  it('refuses a file ONNX Runtime cannot open', async () => {
    await expect(ModelSession.load(Buffer.from('not onnx at all'))).rejects.toBeInstanceOf(InvalidModelError);
  });
});

describe('ModelSession execution providers', () => {
  const bytes = identityModel('FP32');

  it('falls back to CPU with a warning when CUDA is asked for with CPU and cannot be used', async () => {
    const session = await ModelSession.load(bytes, { executionProviders: ['cuda', 'cpu'] });
    // A host with the CUDA provider and a GPU would run on CUDA; this test machine has neither.
    if (session.executionProviders.includes('cuda')) {
      expect(session.fellBackToCpu).toBe(false);
    } else {
      expect(session.executionProviders).toEqual(['cpu']);
      expect(session.fellBackToCpu).toBe(true);
      expect(session.warnings[0]).toMatch(/^Running on CPU: /);
    }
    const [out] = await session.run([f32('input', [1, 3], [4, 5, 6])]);
    expect(Array.from(out!.data as Float32Array)).toEqual([4, 5, 6]);
    await session.release();
  });

  it('refuses CUDA alone with a clear error when it cannot be used', async () => {
    const loading = ModelSession.load(bytes, { executionProviders: ['cuda'] });
    const session = await loading.catch((e: unknown) => e);
    if (session instanceof ModelSession) {
      expect(session.executionProviders).toEqual(['cuda']);
      return session.release();
    }
    expect(session).toBeInstanceOf(ExecutionProviderUnavailableError);
    expect((session as SibylError).status).toBe(503);
    expect((session as Error).message).toMatch(/CUDA was requested without a CPU fallback/);
  });

  it('refuses unknown or repeated provider names and bad thread counts', async () => {
    await expect(ModelSession.load(bytes, { executionProviders: ['tpu' as 'cpu'] })).rejects.toThrow(
      /Unknown execution provider 'tpu'/,
    );
    await expect(ModelSession.load(bytes, { executionProviders: ['cpu', 'cpu'] })).rejects.toThrow(/listed twice/);
    await expect(ModelSession.load(bytes, { executionProviders: [] })).rejects.toThrow(/at least one/);
    await expect(ModelSession.load(bytes, { intraOpNumThreads: -1 })).rejects.toThrow(
      /intraOpNumThreads must be a whole number/,
    );
  });
});

describe('ModelSession.run', () => {
  let twoInputs: ModelSession;
  beforeAll(async () => {
    twoInputs = await ModelSession.load(twoInputModel());
  });
  afterAll(() => twoInputs.release());
  const x = f32('x', [2, 3], [1, 2, 3, 4, 5, 6]);
  const y = f32('y', [2, 3], [10, 20, 30, 40, 50, 60]);

  it('feeds in any order and returns every output in signature order', async () => {
    const outputs = await twoInputs.run([y, x]);
    expect(outputs.map((o) => o.name)).toEqual(['sum', 'product']);
    expect(Array.from(outputs[0]!.data as Float32Array)).toEqual([11, 22, 33, 44, 55, 66]);
    expect(Array.from(outputs[1]!.data as Float32Array)).toEqual([10, 40, 90, 160, 250, 360]);
  });

  it('returns only the outputs asked for, in the order asked', async () => {
    expect((await twoInputs.run([x, y], ['product'])).map((o) => o.name)).toEqual(['product']);
    expect((await twoInputs.run([x, y], ['product', 'sum'])).map((o) => o.name)).toEqual(['product', 'sum']);
  });

  it.each([
    [
      'an unknown input',
      [x, y, f32('z', [1], [0])],
      undefined,
      'InvalidInput',
      /Unknown input 'z'; the model takes 'x', 'y'/,
    ],
    ['a missing input', [x], undefined, 'InvalidInput', /Missing input 'y'/],
    ['an input given twice', [x, x, y], undefined, 'InvalidInput', /'x' is given twice/],
    ['an unknown output', [x, y], ['nope'], 'InvalidInput', /Unknown output 'nope'; the model gives 'sum', 'product'/],
    [
      'the wrong datatype',
      [x, { ...y, datatype: 'FP64', data: new Float64Array(6) }],
      undefined,
      'DatatypeMismatch',
      /'y' must be FP32, not FP64/,
    ],
    [
      'a data array of another type',
      [x, { ...y, data: new Float64Array(6) }],
      undefined,
      'InvalidInput',
      /'y' has a data array that does not hold FP32/,
    ],
    [
      'data that does not fill the shape',
      [x, { ...y, shape: [3, 3] }],
      undefined,
      'ShapeMismatch',
      /holds 9 values, but 6 were given/,
    ],
    ['the wrong rank', [x, { ...y, shape: [6] }], undefined, 'ShapeMismatch', /\[6\], which does not fit \[-1, 3\]/],
    [
      'a wrong fixed dim',
      [x, { ...y, shape: [3, 2] }],
      undefined,
      'ShapeMismatch',
      /\[3, 2\], which does not fit \[-1, 3\]/,
    ],
    ['a negative dim', [x, { ...y, shape: [-2, -3] }], undefined, 'ShapeMismatch', /whole numbers/],
  ] as const)('refuses %s with a clear error', async (_, feeds, outputs, code, message) => {
    const error = await rejection(twoInputs.run(feeds as unknown as NamedTensor[], outputs));
    expect(error).toBeInstanceOf(TensorInputError);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });

  it('refuses values ONNX Runtime would silently change', async () => {
    const strings = await ModelSession.load(identityModel('BYTES', ['n']));
    const bools = await ModelSession.load(identityModel('BOOL', ['n']));
    const bytes = (data: string[]): NamedTensor[] => [{ name: 'input', datatype: 'BYTES', shape: [data.length], data }];
    expect((await rejection(strings.run(bytes(['ok', 'a\u0000b'])))).message).toMatch(/element 1 contains U\+0000/);
    expect((await rejection(strings.run(bytes(['\ud800x'])))).message).toMatch(/element 0 is not valid Unicode/);
    expect((await strings.run(bytes(['😀'])))[0]!.data).toEqual(['😀']);
    const flags = (data: number[]): NamedTensor[] => [
      { name: 'input', datatype: 'BOOL', shape: [data.length], data: Uint8Array.from(data) },
    ];
    expect((await rejection(bools.run(flags([0, 1, 2])))).message).toMatch(/element 2 is not 0 or 1/);
    await Promise.all([strings.release(), bools.release()]);
  });

  it('respects a fixed batch dim', async () => {
    const session = await ModelSession.load(fixedBatchModel());
    const [out] = await session.run([f32('x', [2, 3], [1, 2, 3, 4, 5, 6])]);
    expect(Array.from(out!.data as Float32Array)).toEqual([2, 4, 6, 8, 10, 12]);
    expect((await rejection(session.run([f32('x', [1, 3], [1, 2, 3])]))).code).toBe('ShapeMismatch');
    await session.release();
  });

  it('reports run-time failures of the model as ModelRunError', async () => {
    const session = await ModelSession.load(needsEvenRows);
    const error = await rejection(session.run([f32('x', [1, 3], [1, 2, 3])]));
    expect(error).toBeInstanceOf(ModelRunError);
    expect(error.message).toMatch(/^ONNX Runtime failed to run the model: .*cannot be reshaped to the requested shape/);
    expect(error.message).not.toMatch(/onnxruntime_src|onnxruntime::/);
    await session.release();
  });
});
