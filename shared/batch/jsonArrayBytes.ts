/**
 * Reads a JSONL line that is a flat array of numbers (`[0.5, -1, 2e-3]`) straight from bytes into
 * `values`, without JSON.parse or a string. Only text JSON itself accepts is taken (RFC 8259 number
 * grammar); anything else — nesting, strings, null, an empty array — answers -1 and the caller
 * parses the line the general way.
 *
 * @example readJsonNumbers(Buffer.from('[1, 2.5]'), 0, 8, values) === 2 // values[0] === 1, values[1] === 2.5
 */
import { parseDecimal } from './decimalBytes';

const isSpace = (c: number | undefined): boolean => c === 32 || c === 9 || c === 13 || c === 10;
const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 48 && c <= 57;

/** The end of the JSON number starting at `at`, or -1 when the bytes there are not one. */
function jsonNumberEnd(bytes: Uint8Array, at: number, end: number): number {
  if (bytes[at] === 45) at++;
  if (bytes[at] === 48) at++;
  else if (isDigit(bytes[at])) while (at < end && isDigit(bytes[at])) at++;
  else return -1;
  if (bytes[at] === 46) {
    if (!isDigit(bytes[++at])) return -1;
    while (at < end && isDigit(bytes[at])) at++;
  }
  if (bytes[at] === 101 || bytes[at] === 69) {
    at++;
    if (bytes[at] === 43 || bytes[at] === 45) at++;
    if (!isDigit(bytes[at])) return -1;
    while (at < end && isDigit(bytes[at])) at++;
  }
  return at <= end ? at : -1;
}

/** Reads the numbers of the array in `bytes[start, end)` into `values`; their count, or -1 (see above). */
export function readJsonNumbers(bytes: Uint8Array, start: number, end: number, values: Float64Array): number {
  let at = start;
  while (at < end && isSpace(bytes[at])) at++;
  if (bytes[at] !== 91) return -1;
  at++;
  let count = 0;
  for (;;) {
    while (at < end && isSpace(bytes[at])) at++;
    const numberEnd = jsonNumberEnd(bytes, at, end);
    if (numberEnd < 0 || count >= values.length) return -1;
    let value = parseDecimal(bytes, at, numberEnd);
    // More digits than the fast path reads exactly: a JSON number's value is its text's, as Number reads it.
    if (value !== value)
      value = Number(Buffer.from(bytes.buffer, bytes.byteOffset + at, numberEnd - at).toString('latin1'));
    values[count++] = value;
    at = numberEnd;
    while (at < end && isSpace(bytes[at])) at++;
    if (bytes[at] === 44) at++;
    else if (bytes[at] === 93) break;
    else return -1;
  }
  at++;
  while (at < end && isSpace(bytes[at])) at++;
  return at === end ? count : -1;
}
