import { fromFloat16Bits, toFloat16Bits } from '../../../../shared/scoring/codecs/float16';

describe('float16', () => {
  it.each([
    [1, 0x3c00],
    [-2, 0xc000],
    [0.5, 0x3800],
    [0.1, 0x2e66],
    [1 / 3, 0x3555],
    [65504, 0x7bff],
    [-65504, 0xfbff],
    [65519.99, 0x7bff], // just under the overflow tie: largest finite
    [65520, 0x7c00], // the tie rounds to even = Infinity
    [1e6, 0x7c00],
    [Infinity, 0x7c00],
    [-Infinity, 0xfc00],
    [2 ** -14, 0x0400], // smallest normal
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -25, 0x0000], // tie between 0 and the smallest subnormal → even (0)
    [1.5 * 2 ** -25, 0x0001],
    [3 * 2 ** -25, 0x0002], // tie between 1 and 2 subnormal steps → even (2)
    [2 ** -14 - 2 ** -25, 0x0400], // tie between largest subnormal (0x3ff) and smallest normal → even (0x400)
    [0, 0x0000],
    [-0, 0x8000],
    [1 + 2 ** -11, 0x3c00], // tie → even mantissa
    [1 + 3 * 2 ** -11, 0x3c02], // tie → even mantissa (up)
    [1 + 2 ** -11 + 2 ** -30, 0x3c01], // above the tie; float32 would drop 2^-30 and round down (double rounding)
  ])('encodes %p as bits %p', (value, bits) => {
    expect(toFloat16Bits(value)).toBe(bits);
  });

  it('encodes NaN as the canonical quiet NaN', () => {
    expect(toFloat16Bits(NaN)).toBe(0x7e00);
    expect(fromFloat16Bits(0x7e00)).toBeNaN();
    expect(fromFloat16Bits(0xfc01)).toBeNaN();
  });

  it('decodes special values exactly', () => {
    expect(fromFloat16Bits(0x7bff)).toBe(65504);
    expect(fromFloat16Bits(0x0001)).toBe(2 ** -24);
    expect(fromFloat16Bits(0x03ff)).toBe(1023 * 2 ** -24);
    expect(Object.is(fromFloat16Bits(0x8000), -0)).toBe(true);
    expect(fromFloat16Bits(0x7c00)).toBe(Infinity);
    expect(fromFloat16Bits(0xfc00)).toBe(-Infinity);
  });

  it('round-trips every one of the 65536 bit patterns (NaNs stay NaN)', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const value = fromFloat16Bits(bits);
      if (Number.isNaN(value)) expect(Number.isNaN(fromFloat16Bits(toFloat16Bits(value)))).toBe(true);
      else if (toFloat16Bits(value) !== bits)
        throw new Error(`0x${bits.toString(16)} → ${value} → 0x${toFloat16Bits(value).toString(16)}`);
    }
  });

  it('rounds every midpoint between neighbouring halves to even, and just off it to the nearer one', () => {
    for (let bits = 0; bits < 0x7bff; bits++) {
      const low = fromFloat16Bits(bits);
      const high = fromFloat16Bits(bits + 1);
      const mid = (low + high) / 2;
      const nudge = (high - low) * 2 ** -20;
      const even = bits % 2 === 0 ? bits : bits + 1;
      if (
        toFloat16Bits(mid) !== even ||
        toFloat16Bits(mid - nudge) !== bits ||
        toFloat16Bits(mid + nudge) !== bits + 1
      ) {
        throw new Error(`bad rounding between 0x${bits.toString(16)} and 0x${(bits + 1).toString(16)}`);
      }
      if (toFloat16Bits(-mid) !== (even | 0x8000)) throw new Error(`bad negative rounding at 0x${bits.toString(16)}`);
    }
  });
});
