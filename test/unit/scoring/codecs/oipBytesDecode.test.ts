/** The byte-level OIP decoder answers exactly what the JSON path's fast decoder answers, or leaves the body to it. */
import { decodeOipFast } from '../../../../shared/scoring/codecs/fastDecode';
import { decodeOipBytes } from '../../../../shared/scoring/codecs/oipBytesDecode';
import { one, two } from './fastSignatures';
import type { ModelSignature, NamedTensor } from '../../../../shared/scoring/datatypes';

const wide: ModelSignature = {
  inputs: [{ name: 'v', datatype: 'FP64', shape: [-1] }],
  outputs: [{ name: 'y', datatype: 'FP64', shape: [-1] }],
};

/** Tensors compared element by element with Object.is, so -0 and NaN count. */
function same(a: NamedTensor[], b: NamedTensor[]): boolean {
  return (
    a.length === b.length &&
    a.every((t, i) => {
      const u = b[i]!;
      const x = t.data as Float64Array;
      const y = u.data as Float64Array;
      return (
        t.name === u.name &&
        t.datatype === u.datatype &&
        JSON.stringify(t.shape) === JSON.stringify(u.shape) &&
        x.constructor === y.constructor &&
        x.length === y.length &&
        x.every((v, j) => Object.is(v, y[j]))
      );
    })
  );
}

/** Checks the contract on one body text; returns whether the byte decoder took it. */
function check(text: string, signature: ModelSignature, maxElements?: number): boolean {
  const fast = decodeOipBytes(Buffer.from(text, 'utf8'), signature, maxElements);
  if (fast === undefined) return false;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`decoded a body that is not JSON: ${text}`);
  }
  const reference = decodeOipFast(json, signature, maxElements);
  if (!reference) throw new Error(`decoded a body the JSON path's fast decoder leaves alone: ${text}`);
  if (fast.id !== reference.id || !same(fast.inputs, reference.inputs))
    throw new Error(`decoded differently from the JSON path: ${text}`);
  return true;
}

const body = (inputs: unknown[], extra: Record<string, unknown> = {}) => JSON.stringify({ inputs, ...extra });
const input = (name: string, shape: unknown, data: unknown, datatype = 'FP32') => ({ name, shape, datatype, data });

describe('decodeOipBytes', () => {
  it('takes the bodies clients send, in any layout of whitespace and keys, with data after the header keys', () => {
    const taken = [
      body([input('x', [1, 3], [1, 2.5, -3])]),
      body([input('x', [2, 3], [1, 2, 3, 4, 5, 6])], { id: 'r1' }),
      `{"id":"r2","inputs":[{"name":"x","shape":[1,3],"datatype":"FP32","data":[1,2,3]}]}`,
      ` \n{ "inputs" : [ { "datatype" : "FP32" ,\t"shape":[ 1 , 3 ], "name":"x", "data" : [ 1 , -0 , 3e-2 ] } ] }\r\n`,
      `{"inputs":[{"name":"x","shape":[1.0,3e0],"datatype":"FP32","data":[1E+2,0.000125,-12345678901234567890]}]}`,
      body([input('b', [3], [1, 2, 3]), input('a', [2, 2], [1, 2, 3, 4], 'FP64')]),
    ];
    for (const text of taken) expect([text, check(text, text.includes('"a"') ? two : one)]).toEqual([text, true]);
  });

  it('leaves everything else to the JSON path: other forms, other orders, escapes, malformed JSON', () => {
    const left: [string, ModelSignature, number?][] = [
      [body([input('x', [1, 3], [1, 'NaN', 3])]), one],
      [body([input('x', [1, 3], [[1, 2, 3]])]), one],
      [body([input('x', [1, 3], [1, 2])]), one],
      [body([input('x', [1, 3], [1, 2, 3, 4])]), one],
      [body([input('x', [1, 4], [1, 2, 3, 4])]), one],
      [body([input('x', [0, 3], [])]), one],
      [body([input('x', [1.5, 3], [1, 2, 3])]), one],
      [body([input('x', [1, 3], [1, 2, 3], 'FP64')]), one],
      [body([{ ...input('x', [1, 3], [1, 2, 3]), parameters: {} }]), one],
      [body([input('x', [1, 3], [1, 2, 3])], { outputs: [{ name: 'y' }] }), one],
      [body([input('x', [1, 3], [1, 2, 3])], { id: 7 }), one],
      [body([input('x', [1, 3], [1, 2, 3]), input('x', [1, 3], [1, 2, 3])]), one],
      [body([input('z', [1, 3], [1, 2, 3])]), one],
      [body([]), one],
      [body([input('a', [2, 2], [1, 2, 3, 4], 'FP64')]), two],
      [body([input('x', [2, 3], [1, 2, 3, 4, 5, 6])]), one, 5],
      [`{"inputs":[{"data":[1,2,3],"name":"x","shape":[1,3],"datatype":"FP32"}]}`, one],
      [`{"inputs":[{"name":"\\u0078","shape":[1,3],"datatype":"FP32","data":[1,2,3]}]}`, one],
      [`{"inputs":[{"name":"x","shape":[1,3],"datatype":"FP32","data":[1,2,3]}],"id":"caf\u00e9"}`, one],
      [`{"inputs":[{"name":"x","shape":[1,3],"datatype":"FP32","data":[1,2,3]}],"inputs":[]}`, one],
      [`{"inputs":[{"name":"x","name":"x","shape":[1,3],"datatype":"FP32","data":[1,2,3]}]}`, one],
      [`\ufeff{"inputs":[{"name":"x","shape":[1,3],"datatype":"FP32","data":[1,2,3]}]}`, one],
      [`{"inputs":[{"name":"x","shape":[1,3],"datatype":"FP32","data":[1,2,3]}]}x`, one],
      [`{"inputs":[{"name":"x","shape":[1,3],"datatype":"FP32","data":[1,2,3],}]}`, one],
      [`{"inputs":[{"name":"x","shape":[1,3],"datatype":"FP32","data":[1,2,3]}]`, one],
      [`{"inputs":[{"name":"x","shape":[1,3],"datatype":"FP32","data":[1,2 3]}]}`, one],
      [`{"inputs":[{"name":"x","shape":[1,3],"datatype":"FP32","data":[1,2,3]]}`, one],
      [`{"inputs":[{"name":"x","shape":[1,3],"datatype":"FP32","data":[1,2,3000000]}]}`, one, 2],
      [`{"inputs":[{"name":"x","shape":[1,3000000],"datatype":"FP32","data":[1]}]}`, one],
      ['', one],
      ['{}', one],
    ];
    for (const [text, signature, max] of left) expect([text, check(text, signature, max)]).toEqual([text, false]);
  });

  it('reads numbers as JSON.parse does, and refuses what is not a JSON number', () => {
    let seed = 7;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
    /** Digits without leading zeros (JSON allows none). */
    const integer = (n: number) => digits(n).replace(/^0+(?=\d)/, '');
    const numbers: string[] = [];
    for (let i = 0; i < 40_000; i++) {
      const kind = i % 8;
      const x = (random() - 0.5) * 10 ** Math.floor(random() * 60 - 30);
      if (kind === 0) numbers.push(String(x));
      else if (kind === 1) numbers.push(x.toPrecision(1 + Math.floor(random() * 21)));
      else if (kind === 2)
        numbers.push(x.toExponential(Math.floor(random() * 20)).replace('e+', random() < 0.5 ? 'E' : 'e+'));
      else if (kind === 3) numbers.push(String(Math.fround(x)));
      else if (kind === 4) numbers.push(`${random() < 0.5 ? '-' : ''}${integer(1 + Math.floor(random() * 25))}`);
      else if (kind === 5)
        numbers.push(`0.${'0'.repeat(Math.floor(random() * 30))}${digits(1 + Math.floor(random() * 18))}`);
      else if (kind === 6)
        numbers.push(
          `${integer(1 + Math.floor(random() * 8))}.${digits(1 + Math.floor(random() * 12))}` +
            `e${Math.floor(random() * 700 - 350)}`,
        );
      else
        numbers.push(
          `${Math.floor(random() * 1000)}e${random() < 0.5 ? '-' : '+'}${digits(1 + Math.floor(random() * 6))}`,
        );
    }
    numbers.push(
      '0',
      '-0',
      '0.0',
      '-0.0e5',
      '1e-400',
      '-1e400',
      '4.9e-324',
      '2.4703282292062328e-324',
      '1.7976931348623157e308',
    );
    numbers.push(
      '9007199254740993',
      '0.1',
      '0.30000000000000004',
      '123456789012345',
      '1234567890123456',
      '1e22',
      '1e23',
    );
    for (let at = 0; at < numbers.length; at += 500) {
      const chunk = numbers.slice(at, at + 500);
      const text = `{"inputs":[{"name":"v","shape":[${chunk.length}],"datatype":"FP64","data":[${chunk.join(',')}]}]}`;
      expect(check(text, wide)).toBe(true);
    }
    for (const bad of [
      '01',
      '1.',
      '.5',
      '+1',
      '1e',
      '1e+',
      '-',
      '1.e5',
      '0x10',
      'Infinity',
      'NaN',
      '--1',
      '1..2',
      '"1"',
      'null',
    ]) {
      const text = `{"inputs":[{"name":"v","shape":[1],"datatype":"FP64","data":[${bad}]}]}`;
      expect([bad, check(text, wide)]).toEqual([bad, false]);
    }
  });
});
