import type { ModelSignature } from '../../../../shared/scoring/datatypes';
import { decodeAzureMlRequest, encodeAzureMlResponse } from '../../../../shared/scoring/codecs/azureMlCodec';
import type { InvalidInputError } from '../../../../shared/scoring/scoringErrors';
import { ShapeMismatchError, isScoringError } from '../../../../shared/scoring/scoringErrors';
import { thrownBy } from '../../../support/refusal';
import { signatureOf, single } from './signatures';

const pair = signatureOf(
  { name: 'a', datatype: 'FP32', shape: [-1, 1] },
  { name: 'b', datatype: 'INT32', shape: [-1] },
);

const errorOf = (body: unknown, signature: ModelSignature): Error =>
  thrownBy(() => decodeAzureMlRequest(body, signature)) as Error;

describe('decodeAzureMlRequest errors', () => {
  it.each<[string, unknown, ModelSignature, string]>([
    ['not an object', [1, 2], single, 'the request body must be a JSON object with one of input_data, data'],
    [
      'no form',
      {},
      single,
      'send exactly one of input_data, data, dataframe_split, dataframe_records, instances, inputs; got none',
    ],
    ['two forms', { data: [], instances: [] }, single, 'got data, instances'],
    ['unknown field', { rows: [] }, single, 'unknown field "rows"'],
    [
      'row too short',
      {
        data: [
          [1, 2, 3, 4],
          [1, 2, 3],
        ],
      },
      single,
      "input 'x' row 1: nested data does not match shape [4]: data has 3 items, expected 4",
    ],
    [
      'scalar rows for a 2-D input',
      { data: [1, 2] },
      single,
      "input 'x' row 0: nested data does not match shape [4]: data has a scalar",
    ],
    ['wrong cell type', { data: [[1, 2, 'abc', 4]] }, single, 'input \'x\': element 2 ("abc"): expected a number'],
    [
      'wrong cell type by position',
      { data: [[1, 'x']] },
      pair,
      'input \'b\': row 0, column 1 ("x"): expected an integer',
    ],
    [
      'named column cell type',
      { dataframe_split: { columns: ['a', 'b'], data: [[1.5, 2.5]] } },
      pair,
      "input 'b': row 0 (2.5): expected an integer",
    ],
    [
      'split columns vs row width',
      { dataframe_split: { columns: ['a', 'b'], data: [[1, 2, 3]] } },
      pair,
      '"dataframe_split": row 0 has 3 values; expected 2 values per row',
    ],
    ['positional width', { data: [[1, 2, 3]] }, pair, '"data": row 0 has 3 values; expected 2 values per row'],
    [
      'partly named columns',
      { dataframe_split: { columns: ['a', 'c'], data: [[1, 2]] } },
      pair,
      "\"dataframe_split\": unknown column 'c'; the model's inputs are 'a' (FP32 [-1,1]), 'b' (INT32 [-1])",
    ],
    ['missing named column', { dataframe_records: [{ a: 1 }] }, pair, "missing column for input 'b' (INT32 [-1])"],
    [
      'record without a key',
      { dataframe_records: [{ a: 1, b: 2 }, { a: 1 }] },
      pair,
      '"dataframe_records": record 1 has no value for input \'b\'',
    ],
    ['record not an object', { dataframe_records: [{ a: 1, b: 2 }, 3] }, pair, 'record 1 must be an object'],
    [
      'named: unknown input',
      { inputs: { a: [1], b: [2], z: [3] } },
      pair,
      "\"inputs\": unknown input 'z'; the model's inputs are 'a' (FP32 [-1,1]), 'b' (INT32 [-1])",
    ],
    ['named: missing input', { inputs: { a: [1] } }, pair, '"inputs": missing input \'b\' (INT32 [-1])'],
    [
      'named: ragged',
      { input_data: { x: [[1, 2, 3, 4], [5]] } },
      single,
      "input 'x': nested data does not match shape [2,4]: data[1] has 1 items, expected 4",
    ],
    [
      'named: wrong rank',
      { inputs: { x: [1, 2, 3, 4] } },
      single,
      "input 'x' has shape [4] (rank 1); the model expects rank 2, shape [-1,4]",
    ],
    [
      'inputs list, several inputs',
      { inputs: [[1, 2]] },
      pair,
      '"inputs" must be an object keyed by input name for a model with several inputs',
    ],
    [
      'input_data odd keys',
      { input_data: { rows: [] } },
      single,
      '"input_data" must be {"columns", "index", "data"} (split orientation) or an object keyed by input name',
    ],
    [
      'split extra key',
      { dataframe_split: { data: [], orient: 'split' } },
      single,
      '"dataframe_split": unknown key \'orient\'',
    ],
    [
      'split index length',
      {
        input_data: {
          index: [0],
          data: [
            [1, 2, 3, 4],
            [1, 2, 3, 4],
          ],
        },
      },
      single,
      '"index" must be an array with one entry per row (2)',
    ],
    [
      'split columns type',
      { dataframe_split: { columns: 'abcd', data: [[1, 2, 3, 4]] } },
      single,
      '"columns" must be an array of strings',
    ],
    ['rows not an array', { data: { a: 1 } }, single, '"data": the rows must be an array'],
    ['instances not an array', { instances: 5 }, single, '"instances" must be an array'],
  ])('%s', (_case, body, signature, message) => {
    const error = errorOf(body, signature);
    expect(isScoringError(error)).toBe(true);
    expect((error as InvalidInputError).status).toBe(400);
    expect(error.message).toContain(message);
  });

  it('refuses a scalar input fed by rows and points to the named form', () => {
    const sig = signatureOf({ name: 's', datatype: 'FP32', shape: [] });
    expect(() => decodeAzureMlRequest({ data: [1] }, sig)).toThrow(
      `input 's' is a scalar (shape []) and cannot take table rows; send {"inputs": {"s": value}}`,
    );
    expect(decodeAzureMlRequest({ inputs: { s: 2.5 } }, sig)).toEqual([
      { name: 's', datatype: 'FP32', shape: [], data: Float32Array.of(2.5) },
    ]);
  });

  it('refuses a row count other than a fixed batch dimension', () => {
    const sig = signatureOf({ name: 'x', datatype: 'FP32', shape: [1, 2] });
    const error = errorOf(
      {
        data: [
          [1, 2],
          [3, 4],
        ],
      },
      sig,
    );
    expect(error).toBeInstanceOf(ShapeMismatchError);
    expect(error.message).toBe("input 'x' takes exactly 1 rows (model shape [1,2]); got 2");
  });

  it('refuses inputs that columns cannot fill and names the alternative', () => {
    const sig = signatureOf(
      { name: 'seq', datatype: 'INT64', shape: [-1, -1] },
      { name: 'mask', datatype: 'INT64', shape: [-1, -1] },
    );
    expect(() => decodeAzureMlRequest({ data: [[1, 1]] }, sig)).toThrow(
      `input 'seq' (shape [-1,-1]) cannot be filled from table columns; send named tensors: {"input_data": {"seq": [...]}}`,
    );
    expect(
      decodeAzureMlRequest({ input_data: { seq: [[5, 6, 7]], mask: [[1, 1, 0]] } }, sig).map((t) => t.shape),
    ).toEqual([
      [1, 3],
      [1, 3],
    ]);
  });
});

describe('encodeAzureMlResponse', () => {
  it('answers per-row predictions for a single output', () => {
    expect(
      encodeAzureMlResponse([{ name: 'y', datatype: 'FP32', shape: [3], data: Float32Array.of(0.5, NaN, -Infinity) }]),
    ).toEqual([0.5, 'NaN', '-Infinity']);
    expect(
      encodeAzureMlResponse([
        { name: 'p', datatype: 'FP64', shape: [2, 2], data: Float64Array.of(0.1, 0.9, 0.7, 0.3) },
      ]),
    ).toEqual([
      [0.1, 0.9],
      [0.7, 0.3],
    ]);
    expect(encodeAzureMlResponse([{ name: 's', datatype: 'INT32', shape: [], data: Int32Array.of(7) }])).toEqual([7]);
    expect(encodeAzureMlResponse([{ name: 'e', datatype: 'FP32', shape: [0, 3], data: new Float32Array(0) }])).toEqual(
      [],
    );
  });

  it('answers an object keyed by output name for several outputs', () => {
    const body = encodeAzureMlResponse([
      { name: 'label', datatype: 'INT64', shape: [2], data: BigInt64Array.of(1n, -(2n ** 63n)) },
      { name: 'probabilities', datatype: 'FP16', shape: [2, 2], data: Uint16Array.of(0x3800, 0x3800, 0x3c00, 0) },
      { name: 'flag', datatype: 'BOOL', shape: [2], data: Uint8Array.of(1, 0) },
      { name: 'text', datatype: 'BYTES', shape: [2, 1], data: ['ja', 'ñe'] },
    ]);
    expect(JSON.parse(JSON.stringify(body))).toEqual({
      label: [1, '-9223372036854775808'],
      probabilities: [
        [0.5, 0.5],
        [1, 0],
      ],
      flag: [true, false],
      text: [['ja'], ['ñe']],
    });
  });
});
