import { decodeAzureMlRequest } from '../../../../shared/scoring/codecs/azureMlCodec';
import { decodeOipFast, decodeRowsFast } from '../../../../shared/scoring/codecs/fastDecode';
import { decodeOipRequest } from '../../../../shared/scoring/codecs/oipCodec';
import type { ModelSignature } from '../../../../shared/scoring/datatypes';
import { one, two } from './fastSignatures';
import { signatureOf } from './signatures';

const ints = signatureOf({ name: 'x', datatype: 'INT64', shape: [-1, 3] });

/** The general decoders alone: a binary part (empty) and a `params` key each turn the fast path off. */
const generalOip = (body: unknown, signature: ModelSignature, maxElements?: number) =>
  decodeOipRequest(body, { signature, maxElements, binary: new Uint8Array(0) });
const generalRows = (body: unknown, signature: ModelSignature, maxElements?: number) =>
  decodeAzureMlRequest({ ...(body as object), params: {} }, signature, { maxElements });

function outcome(run: () => unknown): unknown {
  try {
    return run();
  } catch (error) {
    return `refused: ${(error as Error).message}`;
  }
}

type Decode = (body: unknown, signature: ModelSignature) => unknown;

/**
 * Each body the fast path takes decodes as the general decoder alone decodes it, and the bodies at
 * `common` (the usual requests) are taken.
 */
function agreesWithGeneralDecoder(
  fast: Decode,
  general: Decode,
  bodies: [ModelSignature, unknown][],
  common: number[],
) {
  it.each(bodies.map((b, i) => [i, ...b] as const))(
    'body %i: answers what the general decoder answers',
    (_, sig, body) => {
      const answer = fast(body, sig);
      if (answer !== undefined) expect(general(body, sig)).toEqual(answer);
    },
  );

  it('takes the common bodies', () => {
    for (const [sig, body] of common.map((i) => bodies[i]!)) expect(fast(body, sig)).toBeDefined();
  });
}

const input = (name: string, shape: unknown, data: unknown, datatype = 'FP32') => ({ name, shape, datatype, data });

const oipBodies: [ModelSignature, unknown][] = [
  [one, { inputs: [input('x', [1, 3], [1, 2.5, -3])] }],
  [one, { id: 'r1', inputs: [input('x', [2, 3], [1, 2, 3, 4, 5, 6])] }],
  [one, { id: 7, inputs: [input('x', [1, 3], [1, 2, 3])] }],
  [one, { inputs: [input('x', [1, 3], [1, 'NaN', 3])] }],
  [one, { inputs: [input('x', [1, 3], [1, null, 3])] }],
  [one, { inputs: [input('x', [1, 3], [[1, 2, 3]])] }],
  [one, { inputs: [input('x', [1, 3], [1, 2])] }],
  [one, { inputs: [input('x', [1, 4], [1, 2, 3, 4])] }],
  [one, { inputs: [input('x', [0, 3], [])] }],
  [one, { inputs: [input('x', [1.5, 3], [1, 2, 3])] }],
  [one, { inputs: [input('x', [1, 3], [1, 2, 3], 'FP64')] }],
  [one, { inputs: [{ ...input('x', [1, 3], [1, 2, 3]), parameters: {} }] }],
  [one, { inputs: [input('x', [1, 3], [1, 2, 3])], outputs: [{ name: 'y' }] }],
  [one, { inputs: [input('x', [1, 3], [1, 2, 3]), input('x', [1, 3], [1, 2, 3])] }],
  [one, { inputs: [input('z', [1, 3], [1, 2, 3])] }],
  [one, { inputs: [] }],
  [one, { inputs: [input('x', [1, 3], [1e39, -1e39, 1e-50])] }],
  [two, { inputs: [input('b', [3], [1, 2, 3]), input('a', [2, 2], [1, 2, 3, 4], 'FP64')] }],
  [two, { inputs: [input('a', [2, 2], [1, 2, 3, 4], 'FP64')] }],
  [two, { inputs: [input('a', [2, 3], [1, 2, 3, 4, 5, 6], 'FP64'), input('b', [1], [1])] }],
  [ints, { inputs: [input('x', [1, 3], [1, 2, 3], 'INT64')] }],
];

describe('decodeOipFast', () => {
  agreesWithGeneralDecoder(decodeOipFast, generalOip, oipBodies, [0, 1, 17]);

  it('leaves an element count past the limit to the general decoder (413)', () => {
    const body = { inputs: [input('x', [2, 3], [1, 2, 3, 4, 5, 6])] };
    expect(decodeOipFast(body, one, 5)).toBeUndefined();
    expect(outcome(() => decodeOipRequest(body, { signature: one, maxElements: 5 }))).toMatch(/^refused: .*5/);
  });

  it('gives the same answer or refusal through decodeOipRequest as the general decoder alone', () => {
    for (const [sig, body] of oipBodies)
      expect(outcome(() => decodeOipRequest(body, { signature: sig }))).toEqual(outcome(() => generalOip(body, sig)));
  });
});

const rowBodies: [ModelSignature, unknown][] = [
  [one, { data: [[1, 2, 3]] }],
  [
    one,
    {
      input_data: [
        [1, 2, 3],
        [4, 5, 6],
      ],
    },
  ],
  [
    one,
    {
      data: [
        [1, 2, 3],
        [4, 5],
      ],
    },
  ],
  [one, { data: [[1, null, 3]] }],
  [one, { data: [[1, 'NaN', 3]] }],
  [one, { data: [1, 2, 3] }],
  [one, { data: [] }],
  [one, { data: [[1, 2, 3]], params: {} }],
  [one, { instances: [[1, 2, 3]] }],
  [one, { data: [[[1], [2], [3]]] }],
  [two, { data: [[1, 2, 3]] }],
  [ints, { data: [[1, 2, 3]] }],
  [{ ...one, inputs: [{ name: 'x', datatype: 'FP32', shape: [2, 3] }] }, { data: [[1, 2, 3]] }],
  [{ ...one, inputs: [{ name: 'x', datatype: 'FP64', shape: [1, 2] }] }, { data: [[1, 2]] }],
];

describe('decodeRowsFast', () => {
  agreesWithGeneralDecoder(decodeRowsFast, generalRows, rowBodies, [0, 1]);

  it('gives the same answer or refusal through decodeAzureMlRequest as the general decoder alone', () => {
    for (const [sig, body] of rowBodies)
      expect(outcome(() => decodeAzureMlRequest(body, sig))).toEqual(outcome(() => generalRows(body, sig)));
    const big = {
      data: [
        [1, 2, 3],
        [4, 5, 6],
      ],
    };
    expect(outcome(() => decodeAzureMlRequest(big, one, { maxElements: 5 }))).toEqual(
      outcome(() => generalRows(big, one, 5)),
    );
  });
});
