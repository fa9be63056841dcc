import type { NamedTensor, OipDatatype, TensorData } from '../../../../shared/scoring/datatypes';
import { allocate } from '../../../../shared/scoring/datatypes';
import {
  batchKey,
  concatData,
  rowCount,
  sliceData,
  splitTensors,
  stackTensors,
} from '../../../../shared/scoring/batching/stack';

const SAMPLES: Array<[OipDatatype, TensorData, TensorData]> = [
  ['BOOL', Uint8Array.of(1, 0), Uint8Array.of(1)],
  ['UINT8', Uint8Array.of(1, 2), Uint8Array.of(255)],
  ['UINT16', Uint16Array.of(1, 2), Uint16Array.of(65535)],
  ['UINT32', Uint32Array.of(1, 2), Uint32Array.of(4294967295)],
  ['UINT64', BigUint64Array.of(1n, 2n), BigUint64Array.of(2n ** 64n - 1n)],
  ['INT8', Int8Array.of(-1, 2), Int8Array.of(-128)],
  ['INT16', Int16Array.of(-1, 2), Int16Array.of(-32768)],
  ['INT32', Int32Array.of(-1, 2), Int32Array.of(-5)],
  ['INT64', BigInt64Array.of(-1n, 2n), BigInt64Array.of(-(2n ** 63n))],
  ['FP16', Uint16Array.of(0x3c00, 0x4000), Uint16Array.of(0x7e00)],
  ['FP32', Float32Array.of(0.5, NaN), Float32Array.of(-0)],
  ['FP64', Float64Array.of(0.1, 0.2), Float64Array.of(Infinity)],
  ['BYTES', ['a', 'β'], ['🎉']],
];

describe('concatData / sliceData', () => {
  it.each(SAMPLES)('%s concatenates in order and slices back', (datatype, a, b) => {
    const joined = concatData(datatype, [a, b]);
    expect(joined.constructor).toBe(allocate(datatype, 0).constructor);
    expect(Array.from(joined as ArrayLike<unknown>)).toEqual([
      ...Array.from(a as ArrayLike<unknown>),
      ...Array.from(b as ArrayLike<unknown>),
    ]);
    expect(sliceData(joined, 0, a.length)).toEqual(a);
    expect(sliceData(joined, a.length, a.length + b.length)).toEqual(b);
  });

  it('returns a single part without copying and slices typed arrays as views', () => {
    const data = Float32Array.of(1, 2, 3);
    expect(concatData('FP32', [data])).toBe(data);
    const view = sliceData(data, 1, 3) as Float32Array;
    expect(view.buffer).toBe(data.buffer);
  });

  it('refuses parts of another kind instead of converting them', () => {
    expect(() => concatData('FP32', [Float32Array.of(1), Float64Array.of(2)])).toThrow(
      'cannot stack Float64Array data into FP32',
    );
    expect(() => concatData('BYTES', [['a'], Uint8Array.of(1)])).toThrow(TypeError);
  });
});

const t = (name: string, shape: number[], data: TensorData, datatype: OipDatatype = 'FP32'): NamedTensor => ({
  name,
  datatype,
  shape,
  data,
});

describe('rowCount / batchKey', () => {
  it('reads dim 0 shared by all inputs', () => {
    expect(rowCount([t('a', [3, 2], new Float32Array(6)), t('b', [3], new Float32Array(3))])).toBe(3);
    expect(rowCount([t('a', [3, 2], new Float32Array(6)), t('b', [2], new Float32Array(2))])).toBeUndefined();
    expect(rowCount([t('s', [], new Float32Array(1))])).toBeUndefined();
    expect(rowCount([])).toBeUndefined();
  });

  it('ignores dim 0 and input order, not datatypes or inner dims', () => {
    const key = batchKey([t('a', [1, 2], new Float32Array(2)), t('b', [1], new Float32Array(1))]);
    expect(batchKey([t('b', [5], new Float32Array(5)), t('a', [5, 2], new Float32Array(10))])).toBe(key);
    expect(batchKey([t('a', [1, 3], new Float32Array(3)), t('b', [1], new Float32Array(1))])).not.toBe(key);
    expect(batchKey([t('a', [1, 2], new Float64Array(2), 'FP64'), t('b', [1], new Float32Array(1))])).not.toBe(key);
    expect(batchKey([t('s', [], new Float32Array(1))])).toBeUndefined();
  });
});

describe('stackTensors / splitTensors', () => {
  it('stacks per input on dim 0 and splits outputs back by rows', () => {
    const r1 = [t('x', [1, 2], Float32Array.of(1, 2)), t('s', [1], ['one'], 'BYTES')];
    const r2 = [t('s', [2], ['two', 'three'], 'BYTES'), t('x', [2, 2], Float32Array.of(3, 4, 5, 6))];
    expect(stackTensors([r1, r2])).toEqual([
      t('x', [3, 2], Float32Array.of(1, 2, 3, 4, 5, 6)),
      t('s', [3], ['one', 'two', 'three'], 'BYTES'),
    ]);
    const outputs = [
      t('y', [3, 1], BigInt64Array.of(10n, 20n, 30n), 'INT64'),
      t('z', [3], Float32Array.of(0.1, 0.2, 0.3)),
    ];
    const [p1, p2] = splitTensors(outputs, [1, 2]);
    expect(p1).toEqual([t('y', [1, 1], BigInt64Array.of(10n), 'INT64'), t('z', [1], Float32Array.of(0.1))]);
    expect(p2).toEqual([t('y', [2, 1], BigInt64Array.of(20n, 30n), 'INT64'), t('z', [2], Float32Array.of(0.2, 0.3))]);
  });

  it('refuses outputs whose dim 0 is not the batch', () => {
    expect(() => splitTensors([t('y', [1], Float32Array.of(1))], [1, 2])).toThrow(
      "output 'y' has shape [1]; cannot split 3 batched rows",
    );
    expect(() => splitTensors([t('y', [3], Float32Array.of(1))], [1, 2])).toThrow(RangeError);
  });
});
