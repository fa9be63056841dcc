/**
 * FP32 outputs as CSV text: the shortest decimal that reads back as the same float32, the same
 * digits as real-time answers (the codecs' `shortestFloat32`, printed as JavaScript prints a
 * number), so batch files and answers agree — written as bytes, at a fraction of the cost.
 *
 * Why it is exact without a decimal library: the nearest k-digit decimal of a float32 `a` (k ≤ 9) is
 * `round(a · 10^s)` for `s = k − 1 − E`. With `|s| ≤ 22`, `10^s` is an exact double, so the product
 * is one correctly rounded operation, off by far less than 10⁻⁶ below 10⁹; only a product that close
 * to a tie (x.5) could round the wrong way, and those take the reference path. Reading back,
 * `n / 10^s` is likewise one correctly rounded division of exact doubles, which is exactly what
 * `Number('n e-s')` gives (Clinger's fast path). The choice between 6…9 digits is the codecs' search.
 *
 * @example float32Text(Math.fround(0.1)) === '0.1'
 */
import { shortestFloat32 } from '../scoring/codecs/elementCodec';
import { ByteSink } from './byteSink';

const POW10 = new Float64Array(23).map((_, i) => Number(`1e${i}`));
const FLOAT32_MIN_NORMAL = 2 ** -126;
const bits = new Uint32Array(1);
const view = new Float32Array(bits.buffer);
const digitBuffer = new Uint8Array(16);
/** floor(log10(2^k)) by a float32's biased exponent; the decimal exponent is this or one more. */
const E10 = new Int32Array(256).map((_, biased) => Math.floor((biased - 127) * Math.log10(2)));
const TEN_OFFSET = 50;
/** 10^k as doubles for k in [-50, 50], at `k + TEN_OFFSET`: where the decimal exponent steps up. */
const TEN = new Float64Array(2 * TEN_OFFSET + 1).map((_, i) => Number(`1e${i - TEN_OFFSET}`));

/** `a · 10^s` rounded half up, or -1 when the product is too near a tie to trust. */
function nearest(a: number, s: number): number {
  const x = s >= 0 ? a * POW10[s]! : a / POW10[-s]!;
  const n = Math.floor(x);
  const frac = x - n;
  if (Math.abs(frac - 0.5) < 1e-6) return -1;
  return frac > 0.5 ? n + 1 : n;
}

function readsBack(n: number, s: number, a: number): boolean {
  return Math.fround(s >= 0 ? n / POW10[s]! : n * POW10[-s]!) === a;
}

/** Writes `n · 10^-s` (n > 0, at most 10 digits) as JavaScript's `Number#toString` would. */
function writeDecimal(sink: ByteSink, negative: boolean, n: number, s: number): void {
  // n ≤ 10^9 < 2^31, so 32-bit integer steps are exact.
  let m = n | 0;
  for (let next = (m / 10) | 0; m === next * 10; next = (m / 10) | 0) {
    m = next;
    s--;
  }
  let length = 1;
  while (length < 10 && m >= POW10[length]!) length++;
  for (let i = length - 1, rest = m; i >= 0; i--) {
    const next = (rest / 10) | 0;
    digitBuffer[i] = 48 + rest - next * 10;
    rest = next;
  }
  const point = length - s;
  const out = sink.reserve(40);
  let at = sink.length;
  if (negative) out[at++] = 45;
  if (length <= point && point <= 21) {
    for (let i = 0; i < length; i++) out[at++] = digitBuffer[i]!;
    for (let i = length; i < point; i++) out[at++] = 48;
  } else if (point > 0 && point <= 21) {
    for (let i = 0; i < length; i++) {
      if (i === point) out[at++] = 46;
      out[at++] = digitBuffer[i]!;
    }
  } else if (point > -6 && point <= 0) {
    out[at++] = 48;
    out[at++] = 46;
    for (let i = point; i < 0; i++) out[at++] = 48;
    for (let i = 0; i < length; i++) out[at++] = digitBuffer[i]!;
  } else {
    out[at++] = digitBuffer[0]!;
    if (length > 1) {
      out[at++] = 46;
      for (let i = 1; i < length; i++) out[at++] = digitBuffer[i]!;
    }
    const exponent = point - 1;
    out[at++] = 101;
    out[at++] = exponent < 0 ? 45 : 43;
    sink.length = at;
    sink.uint(Math.abs(exponent));
    return;
  }
  sink.length = at;
}

/** A power of two: its rounding interval is narrower below than above, so the search runs upwards. */
function writePowerOfTwo(sink: ByteSink, negative: boolean, a: number, e: number, p9: number, p8: number): boolean {
  const p7 = nearest(a, 6 - e);
  const p6 = nearest(a, 5 - e);
  if (p7 < 0 || p6 < 0) return false;
  if (readsBack(p6, 5 - e, a)) writeDecimal(sink, negative, p6, 5 - e);
  else if (readsBack(p7, 6 - e, a)) writeDecimal(sink, negative, p7, 6 - e);
  else if (readsBack(p8, 7 - e, a)) writeDecimal(sink, negative, p8, 7 - e);
  else writeDecimal(sink, negative, p9, 8 - e);
  return true;
}

/** The shortest decimal by the fast path; false when `a` needs the reference path. */
function writeFast(sink: ByteSink, f: number): boolean {
  const negative = f < 0;
  const a = negative ? -f : f;
  if (a < FLOAT32_MIN_NORMAL) return false;
  view[0] = f;
  // The decimal exponent from the binary one (a table, not Math.log10); a rare miss by one is fixed below.
  let e = E10[(bits[0]! >>> 23) & 0xff]!;
  if (a >= TEN[e + 1 + TEN_OFFSET]!) e++;
  if (e < -14 || e > 27) return false;
  let x9 = nearest(a, 8 - e);
  if (x9 >= 1e9 || (x9 >= 0 && x9 < 1e8)) {
    e += x9 >= 1e9 ? 1 : -1;
    if (e < -14 || e > 27) return false;
    x9 = nearest(a, 8 - e);
  }
  const p8 = nearest(a, 7 - e);
  if (x9 < 1e8 || x9 > 1e9 || p8 < 0) return false;
  if ((bits[0]! & 0x7fffff) === 0) return writePowerOfTwo(sink, negative, a, e, x9, p8);
  if (!readsBack(p8, 7 - e, a)) {
    writeDecimal(sink, negative, x9, 8 - e);
    return true;
  }
  const p7 = nearest(a, 6 - e);
  if (p7 < 0) return false;
  // A k-digit decimal that reads back is also a (k+1)-digit one, so the first failure going down ends the search.
  if (!readsBack(p7, 6 - e, a)) {
    writeDecimal(sink, negative, p8, 7 - e);
    return true;
  }
  const p6 = nearest(a, 5 - e);
  if (p6 < 0) return false;
  if (readsBack(p6, 5 - e, a)) writeDecimal(sink, negative, p6, 5 - e);
  else writeDecimal(sink, negative, p7, 6 - e);
  return true;
}

/** Appends the text of a float32 value (`NaN`, `Infinity`, `-Infinity` for the others) to `sink`. */
export function writeFloat32(sink: ByteSink, f: number): void {
  if (f !== f) return sink.ascii('NaN');
  if (f === 0) return sink.byte(48);
  if (f === Infinity || f === -Infinity) return sink.ascii(f > 0 ? 'Infinity' : '-Infinity');
  if (!writeFast(sink, f)) sink.ascii(String(shortestFloat32(f)));
}

const scratch = new ByteSink(64);

/** The text `writeFloat32` writes, as a string. */
export function float32Text(f: number): string {
  scratch.clear();
  writeFloat32(scratch, f);
  return scratch.bytes().toString('latin1');
}
