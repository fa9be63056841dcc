/** FP32 values print as the shortest decimal that reads back as the same float32. */
import { float32Text } from '../../../shared/batch/floatText';
import { shortestFloat32 } from '../../../shared/scoring/codecs/elementCodec';

/** The definition, by brute force from 1 significant digit. */
function reference(f: number): number {
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(f.toPrecision(digits));
    if (Math.fround(candidate) === f) return candidate;
  }
  throw new Error(`no decimal for ${f}`);
}

describe('shortestFloat32', () => {
  it('matches the brute-force definition over many floats of every magnitude', () => {
    const bits = new Uint32Array(1);
    const view = new Float32Array(bits.buffer);
    let seed = 12345;
    for (let i = 0; i < 300_000; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      bits[0] = seed;
      const f = view[0]!;
      if (!Number.isFinite(f) || f === 0) continue;
      expect(shortestFloat32(f)).toBe(reference(f));
    }
  });

  it('matches it at every power of two and its neighbours, where rounding intervals are lopsided', () => {
    const bits = new Uint32Array(1);
    const view = new Float32Array(bits.buffer);
    for (let exponent = 1; exponent < 255; exponent++) {
      for (const delta of [-2, -1, 0, 1, 2]) {
        bits[0] = ((exponent << 23) + delta) >>> 0;
        const f = view[0]!;
        if (Number.isFinite(f) && f !== 0) expect(shortestFloat32(f)).toBe(reference(f));
      }
    }
  });

  it('prints short decimals as written and keeps what JSON cannot hold', () => {
    expect(shortestFloat32(Math.fround(0.1))).toBe(0.1);
    expect(shortestFloat32(Math.fround(1 / 3))).toBe(0.33333334);
    expect(shortestFloat32(Math.fround(3.4028234663852886e38))).toBe(3.4028235e38);
    expect(float32Text(Math.fround(-2.5))).toBe('-2.5');
    expect(float32Text(NaN)).toBe('NaN');
    expect(float32Text(-Infinity)).toBe('-Infinity');
    expect(float32Text(0)).toBe('0');
  });
});
