import type { NamedTensor } from '../../../../shared/scoring/datatypes';
import { decodeAzureMlRequest } from '../../../../shared/scoring/codecs/azureMlCodec';
import { signatureOf, single } from './signatures';

/** One column per input, as sklearn-onnx exports pipelines with named columns. */
const columns = signatureOf(
  { name: 'age', datatype: 'FP32', shape: [-1, 1] },
  { name: 'city', datatype: 'BYTES', shape: [-1] },
  { name: 'vip', datatype: 'BOOL', shape: [-1, 1] },
);
const image = signatureOf({ name: 'img', datatype: 'FP32', shape: [-1, 2, 2] });

const x2 = { name: 'x', datatype: 'FP32', shape: [2, 4], data: Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8) };
const rows = [
  [1, 2, 3, 4],
  [5, 6, 7, 8],
];
const byColumn: NamedTensor[] = [
  { name: 'age', datatype: 'FP32', shape: [2, 1], data: Float32Array.of(31, 47) },
  { name: 'city', datatype: 'BYTES', shape: [2], data: ['Oslo', 'Lyon'] },
  { name: 'vip', datatype: 'BOOL', shape: [2, 1], data: Uint8Array.of(1, 0) },
];

describe('decodeAzureMlRequest — one 2-D input', () => {
  it.each<[string, unknown]>([
    ['input_data split', { input_data: { columns: ['a', 'b', 'c', 'd'], index: [0, 1], data: rows } }],
    ['input_data split without columns', { input_data: { data: rows } }],
    ['input_data rows', { input_data: rows }],
    ['input_data named', { input_data: { x: rows } }],
    ['data rows', { data: rows }],
    ['dataframe_split', { dataframe_split: { columns: ['a', 'b', 'c', 'd'], data: rows } }],
    [
      'dataframe_records by position',
      {
        dataframe_records: [
          { a: 1, b: 2, c: 3, d: 4 },
          { a: 5, b: 6, c: 7, d: 8 },
        ],
      },
    ],
    ['dataframe_records by name', { dataframe_records: [{ x: [1, 2, 3, 4] }, { x: [5, 6, 7, 8] }] }],
    ['instances rows', { instances: rows }],
    ['instances objects', { instances: [{ x: [1, 2, 3, 4] }, { x: [5, 6, 7, 8] }] }],
    ['inputs object', { inputs: { x: rows } }],
    ['inputs list', { inputs: rows }],
    ['split with MLflow params', { dataframe_split: { data: rows }, params: { top_k: 1 } }],
  ])('%s → x [2,4]', (_form, body) => {
    expect(decodeAzureMlRequest(body, single)).toEqual([x2]);
  });

  it('maps a single-column input from scalar rows', () => {
    const sig = signatureOf({ name: 'v', datatype: 'INT64', shape: [-1, 1] });
    const expected = [{ name: 'v', datatype: 'INT64', shape: [3, 1], data: BigInt64Array.of(1n, 2n, 2n ** 62n) }];
    expect(decodeAzureMlRequest({ data: [1, 2, '4611686018427387904'] }, sig)).toEqual(expected);
    expect(decodeAzureMlRequest({ data: [[1], [2], ['4611686018427387904']] }, sig)).toEqual(expected);
  });

  it('infers dynamic inner dims from the first row', () => {
    const sig = signatureOf({ name: 'x', datatype: 'INT32', shape: [-1, -1] });
    expect(decodeAzureMlRequest({ data: [[1, 2, 3]] }, sig)[0]).toMatchObject({
      shape: [1, 3],
      data: Int32Array.of(1, 2, 3),
    });
  });

  it('reads JSON null as NaN for float inputs (pandas missing values)', () => {
    const [t] = decodeAzureMlRequest({ data: [[1, null, 'NaN', 'Infinity']] }, single);
    expect(Array.from(t!.data as Float32Array)).toEqual([1, NaN, NaN, Infinity]);
  });

  it('accepts zero rows', () => {
    expect(decodeAzureMlRequest({ data: [] }, single)[0]).toMatchObject({ shape: [0, 4], data: new Float32Array(0) });
  });
});

describe('decodeAzureMlRequest — one input per column', () => {
  it.each<[string, unknown]>([
    [
      'split by name, any column order',
      {
        input_data: {
          columns: ['vip', 'city', 'age'],
          index: [0, 1],
          data: [
            [true, 'Oslo', 31],
            [false, 'Lyon', 47],
          ],
        },
      },
    ],
    [
      'split by position',
      {
        input_data: {
          data: [
            [31, 'Oslo', true],
            [47, 'Lyon', false],
          ],
        },
      },
    ],
    [
      'split, positional column names',
      {
        dataframe_split: {
          columns: ['c0', 'c1', 'c2'],
          data: [
            [31, 'Oslo', true],
            [47, 'Lyon', false],
          ],
        },
      },
    ],
    ['named tensors', { input_data: { age: [[31], [47]], city: ['Oslo', 'Lyon'], vip: [[true], [false]] } }],
    [
      'named tensors, trailing 1 left out',
      { input_data: { age: [31, 47], city: ['Oslo', 'Lyon'], vip: [true, false] } },
    ],
    [
      'records by name',
      {
        dataframe_records: [
          { city: 'Oslo', age: 31, vip: true },
          { age: 47, vip: false, city: 'Lyon' },
        ],
      },
    ],
    [
      'instances objects',
      {
        instances: [
          { age: 31, city: 'Oslo', vip: true },
          { age: [47], city: 'Lyon', vip: [false] },
        ],
      },
    ],
    [
      'instances rows by position',
      {
        instances: [
          [31, 'Oslo', true],
          [47, 'Lyon', false],
        ],
      },
    ],
    ['inputs object', { inputs: { age: [31, 47], city: ['Oslo', 'Lyon'], vip: [[true], [false]] } }],
  ])('%s', (_form, body) => {
    expect(decodeAzureMlRequest(body, columns)).toEqual(byColumn);
  });

  it('gives a [-1, k] input k consecutive columns by position', () => {
    const sig = signatureOf(
      { name: 'xy', datatype: 'FP64', shape: [-1, 2] },
      { name: 'n', datatype: 'INT32', shape: [-1] },
    );
    expect(
      decodeAzureMlRequest(
        {
          data: [
            [0.5, 1.5, 3],
            [2.5, 3.5, 4],
          ],
        },
        sig,
      ),
    ).toEqual([
      { name: 'xy', datatype: 'FP64', shape: [2, 2], data: Float64Array.of(0.5, 1.5, 2.5, 3.5) },
      { name: 'n', datatype: 'INT32', shape: [2], data: Int32Array.of(3, 4) },
    ]);
  });
});

describe('decodeAzureMlRequest — rank > 2 input', () => {
  const img = { name: 'img', datatype: 'FP32', shape: [2, 2, 2], data: Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8) };
  const nested = [
    [
      [1, 2],
      [3, 4],
    ],
    [
      [5, 6],
      [7, 8],
    ],
  ];
  it.each<[string, unknown]>([
    ['instances', { instances: nested }],
    ['instances objects', { instances: [{ img: nested[0] }, { img: nested[1] }] }],
    ['input_data named', { input_data: { img: nested } }],
    ['input_data rows', { input_data: nested }],
    ['inputs list', { inputs: nested }],
  ])('%s', (_form, body) => {
    expect(decodeAzureMlRequest(body, image)).toEqual([img]);
  });
});
