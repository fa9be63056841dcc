/** @jest-environment ./test/setup/ortTestEnvironment.ts */
import { identityModel, int64Model } from '../../../../scripts/onnx/identityModels';
import type { NamedTensor, OipDatatype, TensorData } from '../../../../shared/scoring/datatypes';
import { ModelSession } from '../../../../shared/scoring/modelSession';

/** Six values per datatype, extremes included, for a [2, 3] tensor. */
const SAMPLES: Record<OipDatatype, TensorData> = {
  BOOL: new Uint8Array([1, 0, 1, 1, 0, 0]),
  UINT8: new Uint8Array([0, 255, 1, 128, 127, 42]),
  UINT16: new Uint16Array([0, 65535, 1, 32768, 32767, 42]),
  UINT32: new Uint32Array([0, 2 ** 32 - 1, 1, 2 ** 31, 2 ** 31 - 1, 42]),
  UINT64: new BigUint64Array([0n, 2n ** 64n - 1n, 2n ** 53n + 1n, 2n ** 63n, 1n, 42n]),
  INT8: new Int8Array([-128, 127, 0, -1, 1, 42]),
  INT16: new Int16Array([-32768, 32767, 0, -1, 1, 42]),
  INT32: new Int32Array([-(2 ** 31), 2 ** 31 - 1, 0, -1, 1, 42]),
  INT64: new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n + 1n, -(2n ** 53n) - 1n, 0n, -1n]),
  // 0, -0, 1, max finite, smallest subnormal, NaN with a payload (raw half bits)
  FP16: new Uint16Array([0x0000, 0x8000, 0x3c00, 0x7bff, 0x0001, 0x7e01]),
  FP32: new Float32Array([0, -0, 3.4028234663852886e38, 1.401298464324817e-45, -Infinity, NaN]),
  FP64: new Float64Array([0, -0, Number.MAX_VALUE, Number.MIN_VALUE, Infinity, NaN]),
  BYTES: ['', 'plain', 'héllo wörld', '日本語テキスト', '😀🎉 emoji', 'tab\tand\nnewline'],
};

/** Byte-level equality for typed arrays (so -0 and NaN payloads count), value equality for strings. */
function expectSame(actual: TensorData, expected: TensorData): void {
  if (Array.isArray(expected)) {
    expect(actual).toEqual(expected);
    return;
  }
  const a = actual as Exclude<TensorData, string[]>;
  expect(Object.prototype.toString.call(a)).toBe(Object.prototype.toString.call(expected));
  expect(
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
      Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength),
    ),
  ).toBe(true);
}

describe('ModelSession round trips', () => {
  it.each(Object.keys(SAMPLES) as OipDatatype[])(
    '%s comes back exactly through an identity model',
    async (datatype) => {
      const session = await ModelSession.load(identityModel(datatype));
      try {
        const feed: NamedTensor = { name: 'input', datatype, shape: [2, 3], data: SAMPLES[datatype] };
        const [out] = await session.run([feed]);
        expect(out).toMatchObject({ name: 'output', datatype, shape: [2, 3] });
        expectSame(out!.data, SAMPLES[datatype]);
      } finally {
        await session.release();
      }
    },
  );

  it('keeps int64 arithmetic exact past 2^53', async () => {
    const session = await ModelSession.load(int64Model());
    const ids = new BigInt64Array([2n ** 53n + 1n, 2n ** 62n, -(2n ** 60n), 0n]);
    const [out] = await session.run([{ name: 'ids', datatype: 'INT64', shape: [2, 2], data: ids }]);
    expect(out!.data).toEqual(new BigInt64Array([2n ** 53n + 2n, 2n ** 62n + 1n, -(2n ** 60n) + 1n, 1n]));
    await session.release();
  });

  it('round-trips zero rows', async () => {
    const session = await ModelSession.load(identityModel('BYTES'));
    const [out] = await session.run([{ name: 'input', datatype: 'BYTES', shape: [0, 3], data: [] }]);
    expect(out).toEqual({ name: 'output', datatype: 'BYTES', shape: [0, 3], data: [] });
    await session.release();
  });
});
