/**
 * Reads a decimal number straight from bytes (`-1.25`, `3e-4`, `42`), with the value `Number(text)`
 * gives, without making a string. Exact by Clinger's fast path: a significand of at most 15 digits
 * and a power of ten of at most 22 are exact doubles, so one multiplication or division rounds
 * correctly. Anything else (spaces, `nan`, an empty cell, more digits) answers NaN, and the caller
 * reads the cell the general way.
 *
 * @example parseDecimal(Buffer.from('x,-1.5e2,'), 2, 8) === -150
 */
const POW10 = new Float64Array(23).map((_, i) => Number(`1e${i}`));

/** The number in `bytes[start, end)`, or NaN when it is not a plain decimal this reader handles. */
export function parseDecimal(bytes: Uint8Array, start: number, end: number): number {
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
  if (seen === 0 || digits > 15) return NaN;
  if (at < end && (c === 101 || c === 69)) {
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
      if (d < 0 || d > 9 || exponentDigits > 4) return NaN;
      exponent = exponent * 10 + d;
      exponentDigits++;
    }
    if (exponentDigits === 0) return NaN;
    scale += exponentNegative ? -exponent : exponent;
  }
  if (at !== end) return NaN;
  if (significand === 0) return negative ? -0 : 0;
  if (scale < -22 || scale > 22) return NaN;
  const value = scale >= 0 ? significand * POW10[scale]! : significand / POW10[-scale]!;
  return negative ? -value : value;
}
