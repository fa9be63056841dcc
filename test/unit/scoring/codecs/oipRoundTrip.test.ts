import type { OipDatatype } from '../../../../shared/scoring/datatypes';
import { decodeOipRequest, encodeOipResponse } from '../../../../shared/scoring/codecs/oipCodec';

/** Sends `data` through the wire both ways (JSON text included) and returns what the client reads back. */
function roundTrip(datatype: OipDatatype, data: unknown[]): unknown[] {
  const body = JSON.parse(JSON.stringify({ inputs: [{ name: 'x', shape: [data.length], datatype, data }] }));
  const { inputs } = decodeOipRequest(body);
  const response = encodeOipResponse(inputs, { modelName: 'm', id: '1' });
  const parsed = JSON.parse(JSON.stringify(response)) as typeof response;
  expect(parsed.outputs[0]).toMatchObject({ name: 'x', shape: [data.length], datatype });
  return parsed.outputs[0]!.data;
}

describe('OIP codec round trip', () => {
  it.each<[OipDatatype, unknown[]]>([
    ['BOOL', [true, false, true]],
    ['UINT8', [0, 1, 255]],
    ['INT8', [-128, 0, 127]],
    ['UINT16', [0, 65535]],
    ['INT16', [-32768, 32767]],
    ['UINT32', [0, 4294967295]],
    ['INT32', [-2147483648, 2147483647]],
    ['FP64', [0.1, Number.MAX_VALUE, Number.MIN_VALUE, -1e-300, 'NaN', 'Infinity', '-Infinity']],
    ['FP16', [1, -2.5, 65504, -65504, 2 ** -14, 2 ** -24, 0.333251953125, 'NaN', 'Infinity', '-Infinity']],
    ['BYTES', ['', 'plain', 'héllo wörld', '日本語', 'emoji 🎉🧪', 'nul\u0000inside', '"quoted"\n']],
  ])('%s values come back identical', (datatype, values) => {
    expect(roundTrip(datatype, values)).toEqual(values);
  });

  it('INT64: ±2^63 and other unsafe values travel as strings, safe ones as numbers', () => {
    const sent = [
      '-9223372036854775808',
      '9223372036854775807',
      '9007199254740992',
      -9007199254740991,
      9007199254740991,
      '42',
      0,
    ];
    expect(roundTrip('INT64', sent)).toEqual([
      '-9223372036854775808',
      '9223372036854775807',
      '9007199254740992',
      -9007199254740991,
      9007199254740991,
      42,
      0,
    ]);
  });

  it('UINT64: max and unsafe values as strings', () => {
    expect(roundTrip('UINT64', ['18446744073709551615', '9007199254740993', 7])).toEqual([
      '18446744073709551615',
      '9007199254740993',
      7,
    ]);
  });

  it('INT64 decodes to exact BigInts', () => {
    const { inputs } = decodeOipRequest({
      inputs: [{ name: 'x', shape: [2], datatype: 'INT64', data: ['-9223372036854775808', '9223372036854775807'] }],
    });
    expect(inputs[0]!.data).toEqual(BigInt64Array.of(-(2n ** 63n), 2n ** 63n - 1n));
  });

  it('FP16 is held as half bits and rounded to nearest even', () => {
    const { inputs } = decodeOipRequest({
      inputs: [{ name: 'h', shape: [4], datatype: 'FP16', data: [1, 0.1, 65520, -0] }],
    });
    expect(inputs[0]!.data).toEqual(Uint16Array.of(0x3c00, 0x2e66, 0x7c00, 0x8000));
    const out = encodeOipResponse(inputs, { modelName: 'm', id: '1' }).outputs[0]!.data;
    expect(out.slice(0, 3)).toEqual([1, 0.0999755859375, 'Infinity']);
    expect(Object.is(out[3], -0)).toBe(true);
  });

  it('FP32 values come back as the shortest decimal of the same float32', () => {
    const sent = [1.5, Math.fround(0.1), 3.4028234663852886e38, Math.fround(1e-45), 'NaN', '-Infinity'];
    const back = roundTrip('FP32', sent);
    expect(back).toEqual([1.5, 0.1, 3.4028235e38, 1e-45, 'NaN', '-Infinity']);
    back.forEach((v, i) => {
      if (typeof v === 'number') expect(Math.fround(v)).toBe(sent[i]);
    });
  });

  it('FP32 values are rounded to float32 and come back as that float exactly', () => {
    expect(roundTrip('FP32', [0.1, 1e39])).toEqual([0.1, 'Infinity']);
    expect(Math.fround((roundTrip('FP32', [2 / 3]) as number[])[0]!)).toBe(Math.fround(2 / 3));
  });

  it('keeps multi-dimensional shapes and flattens nested data row-major', () => {
    const { inputs } = decodeOipRequest({
      inputs: [
        {
          name: 'x',
          shape: [2, 2, 2],
          datatype: 'INT32',
          data: [
            [
              [1, 2],
              [3, 4],
            ],
            [
              [5, 6],
              [7, 8],
            ],
          ],
        },
      ],
    });
    expect(encodeOipResponse(inputs, { modelName: 'm', id: 'r' }).outputs).toEqual([
      { name: 'x', shape: [2, 2, 2], datatype: 'INT32', data: [1, 2, 3, 4, 5, 6, 7, 8] },
    ]);
  });
});
