/** The byte-level float32 formatter writes exactly the definition's text: shortest round-trip digits, printed as JS prints numbers. */
import { ByteSink } from '../../../shared/batch/byteSink';
import { float32Text, writeFloat32 } from '../../../shared/batch/floatText';

/** The definition, by brute force from 1 significant digit, printed by `String`. */
function reference(f: number): string {
  if (!Number.isFinite(f) || f === 0) return String(f);
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(f.toPrecision(digits));
    if (Math.fround(candidate) === f) return String(candidate);
  }
  throw new Error(`no decimal for ${f}`);
}

const bits = new Uint32Array(1);
const view = new Float32Array(bits.buffer);

describe('float32Text', () => {
  it('matches the definition over many random bit patterns (both signs, every magnitude, subnormals)', () => {
    let seed = 987654321;
    for (let i = 0; i < 400_000; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      bits[0] = seed ^ (i << 9);
      const f = view[0]!;
      if (Number.isNaN(f)) continue;
      const text = float32Text(f);
      if (text !== reference(f)) expect(`${f}: ${text}`).toBe(`${f}: ${reference(f)}`);
    }
  });

  it('matches it over typical model outputs (probabilities, scores, values of a few digits)', () => {
    let seed = 42;
    for (let i = 0; i < 200_000; i++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      const f = Math.fround((seed / 2 ** 32) * [1, 10, 1000, 1e-3][i % 4]! - (i % 3 === 0 ? 0.5 : 0));
      const text = float32Text(f);
      if (text !== reference(f)) expect(`${f}: ${text}`).toBe(`${f}: ${reference(f)}`);
    }
  });

  it('matches it at every power of two and its neighbours, at powers of ten and at halves', () => {
    for (let exponent = 0; exponent < 255; exponent++) {
      for (const delta of [-3, -2, -1, 0, 1, 2, 3]) {
        for (const sign of [0, 0x80000000]) {
          bits[0] = (((exponent << 23) + delta) | sign) >>> 0;
          const f = view[0]!;
          expect(float32Text(f)).toBe(reference(f));
        }
      }
    }
    for (let p = -45; p <= 38; p++) {
      for (const m of [1, 1.5, 2.5, 5, 9.999999, 9.9999999]) {
        const f = Math.fround(m * 10 ** p);
        expect(float32Text(f)).toBe(reference(f));
      }
    }
  });

  it('matches it on both sides of every power of ten, where the decimal exponent steps', () => {
    for (let p = -45; p <= 38; p++) {
      view[0] = Math.fround(10 ** p);
      const at = bits[0]!;
      for (let delta = -4; delta <= 4; delta++) {
        bits[0] = at + delta;
        const f = view[0];
        if (Number.isFinite(f)) expect(float32Text(f)).toBe(reference(f));
      }
    }
  });

  it('prints the special values and the edges of the range', () => {
    expect(float32Text(NaN)).toBe('NaN');
    expect(float32Text(Infinity)).toBe('Infinity');
    expect(float32Text(-Infinity)).toBe('-Infinity');
    expect(float32Text(-0)).toBe('0');
    expect(float32Text(Math.fround(0.1))).toBe('0.1');
    expect(float32Text(Math.fround(1e-7))).toBe('1e-7');
    expect(float32Text(Math.fround(123456789))).toBe('123456790');
    expect(float32Text(Math.fround(1e21))).toBe('1e+21');
    expect(float32Text(Math.fround(3.4028234663852886e38))).toBe('3.4028235e+38');
    expect(float32Text(2 ** -149)).toBe('1e-45');
  });

  it('appends to a sink without disturbing what is already there', () => {
    const sink = new ByteSink(4);
    sink.ascii('x,');
    writeFloat32(sink, Math.fround(-2.5));
    sink.byte(44);
    writeFloat32(sink, Math.fround(1 / 3));
    expect(sink.bytes().toString()).toBe('x,-2.5,0.33333334');
  });
});
