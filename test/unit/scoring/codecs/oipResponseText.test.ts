/** The OIP answer's text written from the tensors is JSON.stringify of the answer's objects, byte for byte. */
import { encodeOipResponse, selectOutputs, type OipResponseMeta } from '../../../../shared/scoring/codecs/oipCodec';
import { oipResponseText } from '../../../../shared/scoring/codecs/oipResponseText';
import { allocate, type NamedTensor, type OipDatatype } from '../../../../shared/scoring/datatypes';

const reference = (outputs: NamedTensor[], meta: OipResponseMeta) => JSON.stringify(encodeOipResponse(outputs, meta));
const written = (outputs: NamedTensor[], meta: OipResponseMeta) =>
  oipResponseText(selectOutputs(outputs, meta.outputs), meta);

const fp32 = (name: string, values: number[]): NamedTensor => ({
  name,
  datatype: 'FP32',
  shape: [1, values.length],
  data: Float32Array.from(values),
});

/** Float32 values where printing goes wrong first: specials, extremes, subnormals, integers, powers of ten and two. */
const EDGES = [
  NaN,
  Infinity,
  -Infinity,
  0,
  -0,
  1,
  -1,
  0.1,
  1 / 3,
  3.4028234663852886e38,
  -3.4028234663852886e38,
  1.1754943508222875e-38,
  1.401298464324817e-45,
  -1.401298464324817e-45,
  5.877471754111438e-39,
  16777216,
  16777217,
  123456789,
  1e21,
  1e-7,
  1e-6,
  9.999999e-7,
  ...Array.from({ length: 77 }, (_, i) => 10 ** (i - 38)),
  ...Array.from({ length: 60 }, (_, i) => 2 ** (i - 30)),
];

function randomFloats(count: number, seed: number): number[] {
  const bits = new Uint32Array(1);
  const view = new Float32Array(bits.buffer);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    bits[0] = seed;
    out.push(view[0]!);
  }
  return out;
}

describe('oipResponseText', () => {
  it('writes every float32 as the answer objects print it: edges, and random bit patterns of every magnitude', () => {
    const meta = { modelName: 'm', modelVersion: '1', id: '' };
    expect(written([fp32('y', EDGES)], meta)).toBe(reference([fp32('y', EDGES)], meta));
    for (let round = 0; round < 50; round++) {
      const outputs = [fp32('y', randomFloats(2000, round + 1))];
      expect(written(outputs, meta)).toBe(reference(outputs, meta));
    }
    // Values near short decimals, where the 6-9 digit search decides.
    const near = Array.from({ length: 20_000 }, (_, i) => Math.fround((i % 997) / 64 + i * 1e-3) * (i % 2 ? -1 : 1));
    expect(written([fp32('y', near)], meta)).toBe(reference([fp32('y', near)], meta));
  });

  it('writes every datatype, several outputs, names that need escaping and non-ASCII text', () => {
    const datatypes: OipDatatype[] = ['BOOL', 'UINT8', 'INT16', 'INT32', 'UINT32', 'INT64', 'UINT64', 'FP16', 'FP64'];
    const outputs: NamedTensor[] = datatypes.map((datatype) => {
      const data = allocate(datatype, 3);
      return { name: `out "${datatype}" é\u0001`, datatype, shape: [3], data };
    });
    (outputs[5]!.data as BigInt64Array).set([-(2n ** 63n), 2n ** 53n + 1n, 7n]);
    (outputs[8]!.data as Float64Array).set([NaN, 0.1, -Infinity]);
    outputs.push({ name: 'text', datatype: 'BYTES', shape: [2], data: ['ünï "q"', '\\'] });
    outputs.push({ name: 'scalar', datatype: 'FP32', shape: [], data: Float32Array.of(2.5) });
    const parameters = { a: 1, b: 'two', c: true };
    const meta = { modelName: 'módel/"x"', modelVersion: 'blue', id: 'req-é', parameters };
    expect(written(outputs, meta)).toBe(reference(outputs, meta));
  });

  it('leaves binary outputs empty, keeps the asked order, and omits what the answer omits', () => {
    const outputs = [fp32('a', [1.5, 2]), fp32('b', [3]), fp32('c', [0.25])];
    const meta = { modelName: 'm', id: 'x', outputs: ['c', 'a'], binary: new Set(['a']) };
    expect(written(outputs, meta)).toBe(reference(outputs, meta));
    expect(JSON.parse(written(outputs, meta))).toEqual({
      model_name: 'm',
      id: 'x',
      outputs: [
        { name: 'c', shape: [1, 1], datatype: 'FP32', data: [0.25] },
        { name: 'a', shape: [1, 2], datatype: 'FP32', data: [] },
      ],
    });
  });

  it('writes an answer after a large one as it would alone', () => {
    const meta = { modelName: 'm', id: '' };
    const big = [fp32('y', randomFloats(200_000, 99))];
    expect(written(big, meta)).toBe(reference(big, meta));
    const small = [fp32('y', [0.1])];
    expect(written(small, meta)).toBe(
      '{"model_name":"m","id":"","outputs":[{"name":"y","shape":[1,1],"datatype":"FP32","data":[0.1]}]}',
    );
  });
});
