/**
 * IEEE 754 binary16 ("half", OIP `FP16`) conversions. ONNX Runtime takes FP16 tensors as raw half
 * bits in a `Uint16Array`, so the codecs convert JSON numbers to bits and back.
 */

/** Canonical quiet NaN in half precision. */
const HALF_NAN = 0x7e00;
/** Half-way between the largest finite half (65504) and 2^16: rounds to even, i.e. to Infinity. */
const OVERFLOW = 65520;
const MIN_NORMAL = 2 ** -14;
const SUBNORMAL_STEP = 2 ** -24;

/** Rounds a non-negative number to the nearest integer, ties to even. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * Converts a number (a double, so any float32 too) to the nearest half, ties to even, and returns
 * its 16 bits. Rounds once, straight from the double, so no double-rounding error. Overflow gives
 * ±Infinity, tiny values become subnormals or ±0, NaN becomes 0x7e00, -0 keeps its sign.
 *
 * @example toFloat16Bits(1) === 0x3c00; toFloat16Bits(65504) === 0x7bff; toFloat16Bits(1e6) === 0x7c00
 */
export function toFloat16Bits(value: number): number {
  if (Number.isNaN(value)) return HALF_NAN;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const abs = Math.abs(value);
  if (abs >= OVERFLOW) return sign | 0x7c00;
  if (abs < MIN_NORMAL) {
    // Subnormal range: a multiple of 2^-24. Rounding up to 1024 steps lands exactly on the
    // smallest normal's bit pattern (0x0400), so no special case is needed.
    return sign | roundHalfEven(abs / SUBNORMAL_STEP);
  }
  let exponent = Math.floor(Math.log2(abs));
  // Math.log2 may be off by one near powers of two; fix it with exact power-of-two comparisons.
  if (2 ** exponent > abs) exponent -= 1;
  else if (2 ** (exponent + 1) <= abs) exponent += 1;
  // Division by a power of two is exact; the product has at most 11 integer bits, so the
  // fractional part is exact too and the tie test in roundHalfEven is reliable.
  let mantissa = roundHalfEven((abs / 2 ** exponent - 1) * 1024);
  if (mantissa === 1024) {
    mantissa = 0;
    exponent += 1;
  }
  if (exponent > 15) return sign | 0x7c00;
  return sign | ((exponent + 15) << 10) | mantissa;
}

/**
 * Converts 16 half bits to the number they denote (exact: every half is a double).
 *
 * @example fromFloat16Bits(0x3c00) === 1; fromFloat16Bits(0xfc00) === -Infinity
 */
export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * SUBNORMAL_STEP;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}
