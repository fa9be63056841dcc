import { encodeBinaryResponse, splitBinaryBody, tensorToBytes } from '../../../../shared/scoring/codecs/oipBinary';
import { decodeOipRequest, encodeOipResponse } from '../../../../shared/scoring/codecs/oipCodec';
import type { ModelSignature, NamedTensor } from '../../../../shared/scoring/datatypes';
import { InvalidInputError, ShapeMismatchError } from '../../../../shared/scoring/scoringErrors';

/** A binary-extension body: the JSON header, then each input's bytes. */
function binaryBody(header: unknown, ...parts: Uint8Array[]): { raw: Buffer; length: string } {
  const json = Buffer.from(JSON.stringify(header));
  return { raw: Buffer.concat([json, ...parts]), length: String(json.length) };
}

const bytesOf = (tensor: NamedTensor) => Buffer.from(tensorToBytes(tensor.datatype, tensor.data));

const signature: ModelSignature = {
  inputs: [
    { name: 'x', datatype: 'FP32', shape: [-1, 3] },
    { name: 'ids', datatype: 'INT64', shape: [-1] },
    { name: 'words', datatype: 'BYTES', shape: [-1] },
    { name: 'mask', datatype: 'BOOL', shape: [-1] },
  ],
  outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 3] }],
};

describe('OIP binary tensor data extension', () => {
  const x: NamedTensor = {
    name: 'x',
    datatype: 'FP32',
    shape: [2, 3],
    data: new Float32Array([1.5, -2, 3, 0.1, Number.NaN, 6]),
  };
  const ids: NamedTensor = { name: 'ids', datatype: 'INT64', shape: [2], data: new BigInt64Array([2n ** 60n, -1n]) };
  const words: NamedTensor = { name: 'words', datatype: 'BYTES', shape: [2], data: ['héllo', ''] };
  const mask: NamedTensor = { name: 'mask', datatype: 'BOOL', shape: [2], data: new Uint8Array([1, 0]) };
  const header = (t: NamedTensor) => ({
    name: t.name,
    shape: t.shape,
    datatype: t.datatype,
    parameters: { binary_data_size: bytesOf(t).length },
  });

  it('decodes inputs from the bytes after the JSON header, exactly', () => {
    const { raw, length } = binaryBody(
      { inputs: [x, ids, words, mask].map(header), parameters: { binary_data_output: true } },
      ...[x, ids, words, mask].map(bytesOf),
    );
    const { json, binary } = splitBinaryBody(raw, length);
    const decoded = decodeOipRequest(json, { signature, binary });
    expect(decoded.inputs).toEqual([x, ids, words, mask]);
    expect(decoded.binaryOutputs).toBe('all');
  });

  it('mixes JSON and binary inputs and answers named outputs as binary', () => {
    const jsonX = { name: 'x', shape: [2, 3], datatype: 'FP32', data: [1.5, -2, 3, 0.1, 'NaN', 6] };
    const { raw, length } = binaryBody(
      {
        inputs: [jsonX, header(ids), header(words), header(mask)],
        outputs: [{ name: 'y', parameters: { binary_data: true } }],
      },
      bytesOf(ids),
      bytesOf(words),
      bytesOf(mask),
    );
    const { json, binary } = splitBinaryBody(raw, length);
    const decoded = decodeOipRequest(json, { signature, binary });
    expect(decoded.inputs[0]).toEqual(x);
    expect(decoded.binaryOutputs).toEqual(['y']);

    const y: NamedTensor = { ...x, name: 'y' };
    const names = new Set(['y']);
    const response = encodeOipResponse([y], { modelName: 'm', id: '1', binary: names });
    const encoded = encodeBinaryResponse(response, [y], names);
    const back = splitBinaryBody(encoded.body, String(encoded.headerLength));
    expect(back.json).toEqual({
      model_name: 'm',
      id: '1',
      outputs: [{ name: 'y', shape: [2, 3], datatype: 'FP32', parameters: { binary_data_size: 24 } }],
    });
    expect(new Float32Array(new Uint8Array(back.binary).buffer)).toEqual(x.data);
  });

  it.each([
    [
      'a header length past the body',
      () => splitBinaryBody(Buffer.from('{}'), '99'),
      InvalidInputError,
      /Inference-Header-Content-Length/,
    ],
    [
      'a header length that is not a number',
      () => splitBinaryBody(Buffer.from('{}'), 'abc'),
      InvalidInputError,
      /Inference-Header-Content-Length/,
    ],
    [
      'a header that is not JSON',
      () => splitBinaryBody(Buffer.from('nope{}'), '4'),
      InvalidInputError,
      /not a JSON header/,
    ],
    [
      'a size that does not fit the shape',
      () =>
        decodeOipRequest(
          { inputs: [{ ...header(x), parameters: { binary_data_size: 20 } }] },
          { binary: bytesOf(x).subarray(0, 20) },
        ),
      ShapeMismatchError,
      /take 24/,
    ],
    [
      'bytes left over',
      () => decodeOipRequest({ inputs: [header(x)] }, { binary: Buffer.concat([bytesOf(x), Buffer.alloc(4)]) }),
      InvalidInputError,
      /4 bytes after/,
    ],
    [
      'a size past the end',
      () => decodeOipRequest({ inputs: [header(x)] }, { binary: bytesOf(x).subarray(0, 8) }),
      InvalidInputError,
      /past the end/,
    ],
    [
      'a negative size',
      () =>
        decodeOipRequest(
          { inputs: [{ ...header(x), parameters: { binary_data_size: -1 } }] },
          { binary: Buffer.alloc(0) },
        ),
      InvalidInputError,
      /whole number/,
    ],
    [
      'BOOL bytes other than 0 and 1',
      () => decodeOipRequest({ inputs: [header(mask)] }, { binary: Buffer.from([1, 7]) }),
      InvalidInputError,
      /0 or 1/,
    ],
    [
      'a BYTES element that overruns',
      () =>
        decodeOipRequest(
          { inputs: [{ ...header(words), parameters: { binary_data_size: 6 } }] },
          { binary: Buffer.from([9, 0, 0, 0, 1, 2]) },
        ),
      ShapeMismatchError,
      /overruns/,
    ],
  ])('refuses %s with a 400', (_what, run, type, message) => {
    expect(run).toThrow(type);
    expect(run).toThrow(message);
  });
});
