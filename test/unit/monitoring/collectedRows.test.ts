/** Collected rows: one object per row with column or tensor names; the JSON writer matches the row objects. */
import { requestColumns, tensorRows, tensorRowsJson } from '../../../shared/monitoring/collectedRows';
import { toFloat16Bits } from '../../../shared/scoring/codecs/float16';
import type { NamedTensor } from '../../../shared/scoring/datatypes';

const tensors: NamedTensor[] = [
  { name: 'x', datatype: 'FP32', shape: [2, 3], data: new Float32Array([1.5, 2, Number.NaN, 4, 5, 6]) },
  { name: 'flag', datatype: 'BOOL', shape: [2], data: new Uint8Array([1, 0]) },
  { name: 'id', datatype: 'INT64', shape: [2, 1], data: new BigInt64Array([7n, 8n]) },
  { name: 'half', datatype: 'FP16', shape: [2], data: new Uint16Array([toFloat16Bits(0.5), toFloat16Bits(-2)]) },
  { name: 'word', datatype: 'BYTES', shape: [2], data: ['a "quoted" word', 'b'] },
  { name: 'img', datatype: 'FP32', shape: [2, 1, 2], data: new Float32Array([1, 2, 3, 4]) },
];

describe('collected rows', () => {
  it('names columns after tensors, spreads [N, k] tensors, keeps higher ranks as arrays', () => {
    expect(tensorRows(tensors)).toEqual([
      { x_0: 1.5, x_1: 2, x_2: null, flag: true, id: 7, half: 0.5, word: 'a "quoted" word', img: [1, 2] },
      { x_0: 4, x_1: 5, x_2: 6, flag: false, id: 8, half: -2, word: 'b', img: [3, 4] },
    ]);
  });

  it("uses the request's column names for a single table input", () => {
    const one = [tensors[0]!];
    expect(tensorRows(one, ['a', 'b', 'c'])).toEqual([
      { a: 1.5, b: 2, c: null },
      { a: 4, b: 5, c: 6 },
    ]);
    expect(requestColumns({ input_data: { columns: ['a', 'b', 'c'], data: [] } })).toEqual(['a', 'b', 'c']);
    expect(requestColumns({ data: [[1]] })).toBeUndefined();
  });

  it('writes the same JSON as the row objects would', () => {
    expect(JSON.parse(tensorRowsJson(tensors))).toEqual(tensorRows(tensors));
    expect(tensorRowsJson(tensors)).toBe(JSON.stringify(tensorRows(tensors)));
    expect(tensorRowsJson([tensors[0]!], ['a', 'b', 'c'])).toBe(
      JSON.stringify(tensorRows([tensors[0]!], ['a', 'b', 'c'])),
    );
  });
});
