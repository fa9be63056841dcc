/**
 * Reads a decimal number straight from bytes (`-1.25`, `3e-4`, `42`), with the value `Number(text)`
 * gives, without making a string. Exact by Clinger's fast path: a significand of at most 15 digits
 * and a power of ten of at most 22 are exact doubles, so one multiplication or division rounds
 * correctly. Anything else (spaces, `nan`, an empty cell, more digits) answers NaN, and the caller
 * reads the cell the general way.
 *
 * For a float32 destination, 16–19 significant digits (doubles printed in full, `0.10000000000000009`)
 * are read too: the significand and the scaling then round at most 9 times, so the result `a` is within
 * 2⁻⁴⁹·|a| of the exact value, and of `Number(text)`. When `a·(1 − 2⁻⁴⁰)` and `a·(1 + 2⁻⁴⁰)` round
 * to the same float32, so does everything between them (rounding is monotonic), `Number(text)`
 * included: storing `a` stores the same float32. Otherwise (a value that close to a float32 rounding
 * boundary) it answers NaN.
 *
 * @example parseDecimal(Buffer.from('x,-1.5e2,'), 2, 8) === -150
 */
const POW10 = new Float64Array(23).map((_, i) => Number(`1e${i}`));
/** Far above the relative error of a long significand's reading (< 2⁻⁴⁹), far below half a float32 ulp (2⁻²⁴). */
const FLOAT32_GUARD = 2 ** -40;

/** Where the last {@link scanDecimal} stopped: the index of the first byte after the number it read. */
export const scanned = { end: 0 };

/**
 * Reads the decimal that starts at `start` and ends at the first byte that cannot continue it (or at
 * `end`), and sets `scanned.end` there, so a caller finds a cell's end while reading it. NaN when
 * what was read is not a plain decimal this reader handles exactly. `float32`: the value is stored
 * as a float32, so up to 19 significant digits are read (see above).
 */
export function scanDecimal(bytes: Uint8Array, start: number, end: number, float32 = false): number {
  let at = start;
  let negative = false;
  let c = bytes[at];
  if (c === 45 || c === 43) {
    negative = c === 45;
    c = bytes[++at];
  }
  let significand = 0;
  let digits = 0;
  let seen = 0;
  let scale = 0;
  for (; at < end; c = bytes[++at]) {
    const d = c! - 48;
    if (d < 0 || d > 9) break;
    seen++;
    if (digits > 0 || d > 0) {
      significand = significand * 10 + d;
      digits++;
    }
  }
  if (at < end && c === 46) {
    for (c = bytes[++at]; at < end; c = bytes[++at]) {
      const d = c! - 48;
      if (d < 0 || d > 9) break;
      seen++;
      scale--;
      if (digits > 0 || d > 0) {
        significand = significand * 10 + d;
        digits++;
      }
    }
  }
  if (at < end && (c === 101 || c === 69) && seen > 0) {
    let exponentNegative = false;
    c = bytes[++at];
    if (c === 45 || c === 43) {
      exponentNegative = c === 45;
      c = bytes[++at];
    }
    let exponent = 0;
    let exponentDigits = 0;
    for (; at < end; c = bytes[++at]) {
      const d = c! - 48;
      if (d < 0 || d > 9) break;
      exponent = exponent * 10 + d;
      exponentDigits++;
    }
    scanned.end = at;
    if (exponentDigits === 0 || exponentDigits > 5) return NaN;
    scale += exponentNegative ? -exponent : exponent;
  } else scanned.end = at;
  if (seen === 0 || digits > (float32 ? 19 : 15)) return NaN;
  if (significand === 0) return negative ? -0 : 0;
  if (scale < -22 || scale > 22) return NaN;
  const value = scale >= 0 ? significand * POW10[scale]! : significand / POW10[-scale]!;
  if (digits > 15 && Math.fround(value * (1 - FLOAT32_GUARD)) !== Math.fround(value * (1 + FLOAT32_GUARD))) return NaN;
  return negative ? -value : value;
}

/** The number in `bytes[start, end)`, or NaN when it is not a plain decimal this reader handles. */
export function parseDecimal(bytes: Uint8Array, start: number, end: number): number {
  const value = scanDecimal(bytes, start, end);
  return scanned.end === end ? value : NaN;
}
