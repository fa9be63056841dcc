import type { ModelSignature } from '../../../../shared/scoring/datatypes';
import { decodeOipRequest, encodeOipResponse } from '../../../../shared/scoring/codecs/oipCodec';
import { InvalidInputError, ShapeMismatchError } from '../../../../shared/scoring/scoringErrors';
import { thrownBy } from '../../../support/refusal';

const signature: ModelSignature = {
  inputs: [
    { name: 'x', datatype: 'FP32', shape: [-1, 3] },
    { name: 'ids', datatype: 'INT64', shape: [-1] },
  ],
  outputs: [
    { name: 'y', datatype: 'FP32', shape: [-1] },
    { name: 'label', datatype: 'INT64', shape: [-1] },
  ],
};

const fp32 = (data: unknown, shape: number[] = [2, 3]) => ({ inputs: [{ name: 'x', shape, datatype: 'FP32', data }] });

const errorOf = (fn: () => unknown): Error => thrownBy(fn) as Error;

describe('decodeOipRequest', () => {
  it('decodes flat and nested data to the same typed array', () => {
    const flat = decodeOipRequest(fp32([1, 2, 3, 4, 5, 6])).inputs[0]!;
    const nested = decodeOipRequest(
      fp32([
        [1, 2, 3],
        [4, 5, 6],
      ]),
    ).inputs[0]!;
    expect(flat).toEqual({ name: 'x', datatype: 'FP32', shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) });
    expect(nested).toEqual(flat);
  });

  it('returns id, parameters and requested outputs', () => {
    const request = decodeOipRequest({
      id: 'req-1',
      parameters: { trace: true, n: 2 },
      inputs: fp32([1, 2, 3], [1, 3]).inputs,
      outputs: [{ name: 'y' }, { name: 'y' }],
    });
    expect(request).toMatchObject({ id: 'req-1', parameters: { trace: true, n: 2 }, outputs: ['y'] });
  });

  it.each([
    [
      'ragged rows',
      [
        [1, 2, 3],
        [4, 5],
      ],
      /data\[1\] has 2 items, expected 3/,
    ],
    ['too few rows', [[1, 2, 3]], /data has 1 items, expected 2/],
    ['a scalar where a row belongs', [[1, 2, 3], 4], /data\[1\] has a scalar, expected 3/],
    [
      'too deep',
      [
        [[1], [2], [3]],
        [[4], [5], [6]],
      ],
      /element 0 \(\[1\]\): expected a number/,
    ],
  ])('refuses %s', (_case, data, message) => {
    const error = errorOf(() => decodeOipRequest(fp32(data)));
    expect(error).toBeInstanceOf(Error);
    expect((error as InvalidInputError).status).toBe(400);
    expect(error.message).toMatch(message);
    expect(error.message).toContain("input 'x'");
  });

  it('refuses flat data whose length does not match the shape', () => {
    const error = errorOf(() => decodeOipRequest(fp32([1, 2, 3, 4, 5])));
    expect(error).toBeInstanceOf(ShapeMismatchError);
    expect(error.message).toBe("input 'x': data has 5 elements but shape [2,3] needs 6");
  });

  it.each([
    ['FP32', 'abc', 'expected a number (or "NaN", "Infinity", "-Infinity")'],
    ['FP32', null, 'expected a number'],
    ['INT32', 1.5, 'expected an integer'],
    ['INT8', 200, 'outside the INT8 range [-128, 127]'],
    ['UINT8', -1, 'outside the UINT8 range [0, 255]'],
    ['BOOL', 1, 'expected true or false'],
    ['BYTES', 5, 'expected a string'],
    ['INT64', 2 ** 60, 'send it as a decimal string'],
    ['INT64', '9223372036854775808', 'outside the INT64 range'],
    ['INT64', '12abc', 'expected an integer (number or decimal string)'],
    ['UINT64', '-1', 'expected a non-negative integer'],
    ['UINT64', '18446744073709551616', 'outside the UINT64 range'],
  ])('refuses %s value %p with a clear reason', (datatype, value, reason) => {
    const error = errorOf(() =>
      decodeOipRequest({
        inputs: [{ name: 'v', shape: [2], datatype, data: [{ BYTES: 'ok', BOOL: true }[datatype] ?? 0, value] }],
      }),
    );
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toContain(`input 'v': element 1 (${JSON.stringify(value)}): `);
    expect(error.message).toContain(reason);
  });

  it('reads the strings NaN, Infinity and -Infinity for float types', () => {
    const data = decodeOipRequest({
      inputs: [{ name: 'f', shape: [3], datatype: 'FP64', data: ['NaN', 'Infinity', '-Infinity'] }],
    }).inputs[0]!.data;
    expect(Array.from(data as Float64Array)).toEqual([NaN, Infinity, -Infinity]);
    expect(() => decodeOipRequest({ inputs: [{ name: 'i', shape: [1], datatype: 'INT32', data: ['NaN'] }] })).toThrow(
      InvalidInputError,
    );
  });

  it.each([
    [null, 'the request body must be a JSON object with "inputs"'],
    [{}, '"inputs" must be an array'],
    [{ inputs: [{ shape: [1], datatype: 'FP32', data: [1] }] }, 'inputs[0]: "name" must be a non-empty string'],
    [
      { inputs: [{ name: 'x', shape: [1], datatype: 'BF16', data: [1] }] },
      'datatype "BF16" is not supported; use one of BOOL',
    ],
    [{ inputs: [{ name: 'x', shape: [1], datatype: 'FP32' }] }, '"data" is missing'],
    [{ inputs: [{ name: 'x', shape: 3, datatype: 'FP32', data: [1] }] }, '"shape" must be an array'],
    [{ inputs: [{ name: 'x', shape: [-1], datatype: 'FP32', data: [1] }] }, 'shape [-1] is invalid'],
    [{ inputs: [{ name: 'x', shape: [1.5], datatype: 'FP32', data: [1] }] }, 'shape [1.5] is invalid'],
    [{ id: 7, inputs: [] }, '"id" must be a string'],
    [
      { inputs: [{ name: 'x', shape: new Array(33).fill(1), datatype: 'FP32', data: [1] }] },
      'shape has 33 dimensions; at most 32 are supported',
    ],
    [
      {
        inputs: [
          { name: 'x', shape: [1], datatype: 'FP32', data: [1] },
          { name: 'x', shape: [1], datatype: 'FP32', data: [2] },
        ],
      },
      "input 'x' is given more than once",
    ],
    [
      { inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1], parameters: { binary_data_size: 4 } }] },
      'binary_data_size needs a binary body',
    ],
    [{ inputs: [], parameters: { nested: { a: 1 } } }, 'parameter "nested" must be a string, number or boolean'],
  ])('refuses malformed body %#', (body, message) => {
    const error = errorOf(() => decodeOipRequest(body));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toContain(message);
  });

  describe('with a signature', () => {
    const ok = { name: 'ids', shape: [1], datatype: 'INT64', data: [7] };
    it.each([
      [[fp32([1, 2, 3], [1, 3]).inputs[0]], "missing input 'ids' (INT64 [-1])"],
      [
        [...fp32([1, 2, 3], [1, 3]).inputs, ok, { name: 'z', shape: [1], datatype: 'FP32', data: [1] }],
        "unknown input 'z'; the model's inputs are 'x' (FP32 [-1,3]), 'ids' (INT64 [-1])",
      ],
      [
        [{ name: 'x', shape: [1, 3], datatype: 'FP64', data: [1, 2, 3] }, ok],
        "input 'x' has datatype FP64; the model expects FP32",
      ],
      [
        [{ name: 'x', shape: [3], datatype: 'FP32', data: [1, 2, 3] }, ok],
        "input 'x' has shape [3] (rank 1); the model expects rank 2, shape [-1,3]",
      ],
      [
        [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }, ok],
        "input 'x' has shape [1,4]; dimension 1 must be 3",
      ],
      [[ok, ok], "input 'ids' is given more than once"],
    ])('refuses mismatch %#', (inputs, message) => {
      expect(() => decodeOipRequest({ inputs }, { signature })).toThrow(message);
    });

    it('checks names before decoding data', () => {
      const inputs = [{ name: 'x', shape: [1, 3], datatype: 'FP64', data: ['not decoded'] }, ok];
      expect(() => decodeOipRequest({ inputs }, { signature })).toThrow('datatype FP64');
    });

    it('refuses unknown requested outputs', () => {
      const inputs = [...fp32([1, 2, 3], [1, 3]).inputs, ok];
      expect(() => decodeOipRequest({ inputs, outputs: [{ name: 'nope' }] }, { signature })).toThrow(
        "unknown output 'nope'; the model's outputs are 'y'",
      );
    });
  });
});

describe('encodeOipResponse', () => {
  const outputs = [
    { name: 'y', datatype: 'FP32' as const, shape: [2], data: Float32Array.of(0.5, NaN) },
    { name: 'label', datatype: 'INT64' as const, shape: [2], data: BigInt64Array.of(1n, 2n ** 62n) },
  ];

  it('writes every output with flat data, NaN and big INT64 as strings', () => {
    expect(encodeOipResponse(outputs, { modelName: 'iris', modelVersion: 'blue', id: 'abc' })).toEqual({
      model_name: 'iris',
      model_version: 'blue',
      id: 'abc',
      outputs: [
        { name: 'y', shape: [2], datatype: 'FP32', data: [0.5, 'NaN'] },
        { name: 'label', shape: [2], datatype: 'INT64', data: [1, '4611686018427387904'] },
      ],
    });
  });

  it('filters and orders outputs by the request', () => {
    const response = encodeOipResponse(outputs, {
      modelName: 'iris',
      id: 'abc',
      outputs: ['label'],
      parameters: { batched: true },
    });
    expect(response.outputs.map((o) => o.name)).toEqual(['label']);
    expect(response).not.toHaveProperty('model_version');
    expect(response.parameters).toEqual({ batched: true });
    expect(() => encodeOipResponse(outputs, { modelName: 'iris', id: 'a', outputs: ['nope'] })).toThrow(
      "unknown output 'nope'",
    );
  });
});
