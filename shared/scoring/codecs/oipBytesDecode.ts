/**
 * The OIP infer body nearly every client sends, decoded straight from its bytes: no text, no parsed
 * objects, each number written into the tensor's typed array as it is read. It takes exactly what
 * `decodeOipFast` takes (`{"inputs": [{name, shape, datatype, data}…], "id"?}`, flat FP32/FP64 data
 * fitting the signature), written as plain JSON: keys in any order but `data` after `name`, `shape`
 * and `datatype`, ASCII strings without escapes. For anything else it answers `undefined` and the
 * body takes the JSON path, which gives the same answer or the same 400/413; when it answers a value,
 * it is the value `decodeOipFast(JSON.parse(text))` returns (test/unit/scoring/codecs/oipBytesDecode.test.ts).
 *
 * Numbers are read as `JSON.parse` reads them: up to 15 significant digits with a power of ten up to
 * 22 is one correctly rounded double operation on exact operands (Clinger's fast path); longer or
 * larger ones are handed to `Number`, which reads JSON's number syntax exactly as `JSON.parse` does.
 */
import type { ModelSignature, NamedTensor, TensorSpec } from '../datatypes';
import type { OipInferRequest } from './oipCodec';
import { fittingShape } from './fastDecode';
import { DEFAULT_MAX_ELEMENTS } from './tensorCheck';

const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
/** What a number the reader could not read returns (no JSON number reads as NaN). */
const BAD = NaN;

const QUOTE = 0x22;
const COMMA = 0x2c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const COLON = 0x3a;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/** One body is read at a time (synchronously): the reader's state. */
let bytes: Buffer = Buffer.alloc(0);
let at = 0;

function skipSpace(): void {
  for (;;) {
    const c = bytes[at];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
    at++;
  }
}

/** Reads `expected` after optional whitespace. */
function take(expected: number): boolean {
  skipSpace();
  if (bytes[at] !== expected) return false;
  at++;
  return true;
}

/** Where the last string read by `readRaw` starts and ends (its quotes excluded). */
let textStart = 0;
let textEnd = 0;

/** A string of printable ASCII without escapes, located in `textStart`…`textEnd`; false for anything else. */
function readRaw(): boolean {
  skipSpace();
  if (bytes[at] !== QUOTE) return false;
  textStart = ++at;
  for (;;) {
    const c = bytes[at];
    if (c === undefined || c < 0x20 || c > 0x7e || c === 0x5c) return false;
    if (c === QUOTE) break;
    at++;
  }
  textEnd = at++;
  return true;
}

/** Whether the last string read is `expected` (compared as bytes: no string is made). */
function textIs(expected: Uint8Array): boolean {
  if (textEnd - textStart !== expected.length) return false;
  for (let i = 0; i < expected.length; i++) if (bytes[textStart + i] !== expected[i]) return false;
  return true;
}

const ascii = (text: string) => Buffer.from(text, 'latin1');
const INPUTS = ascii('inputs');
const ID = ascii('id');
const NAME = ascii('name');
const SHAPE = ascii('shape');
const DATATYPE = ascii('datatype');
const DATA = ascii('data');
const FP32 = ascii('FP32');
const FP64 = ascii('FP64');

/** Each signature's input names as UTF-8, to compare with the bytes of a body's names. */
const inputNames = new WeakMap<ModelSignature, Buffer[]>();

/** The input of `signature` the last string read names, or undefined. */
function inputNamed(signature: ModelSignature): TensorSpec | undefined {
  let names = inputNames.get(signature);
  if (!names) inputNames.set(signature, (names = signature.inputs.map((s) => Buffer.from(s.name, 'utf8'))));
  for (let i = 0; i < names.length; i++) if (textIs(names[i]!)) return signature.inputs[i];
  return undefined;
}

const isDigit = (c: number | undefined): c is number => c !== undefined && c >= ZERO && c <= ZERO + 9;

/** A JSON number, as `JSON.parse` reads it; BAD when the bytes are not one. */
function readNumber(): number {
  skipSpace();
  const start = at;
  const negative = bytes[at] === MINUS;
  if (negative) at++;
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  let c = bytes[at];
  if (c === ZERO) c = bytes[++at];
  else if (isDigit(c)) {
    do {
      if (digits < 15) mantissa = mantissa * 10 + (c - ZERO);
      else scale++;
      digits++;
      c = bytes[++at];
    } while (isDigit(c));
  } else return BAD;
  if (c === DOT) {
    c = bytes[++at];
    if (!isDigit(c)) return BAD;
    do {
      // Zeros before the first significant digit only move the point.
      if (digits === 0 && c === ZERO) scale--;
      else {
        if (digits < 15) {
          mantissa = mantissa * 10 + (c - ZERO);
          scale--;
        }
        digits++;
      }
      c = bytes[++at];
    } while (isDigit(c));
  }
  if (c === 0x65 || c === 0x45) {
    c = bytes[++at];
    const minus = c === MINUS;
    if (minus || c === PLUS) c = bytes[++at];
    if (!isDigit(c)) return BAD;
    let exponent = 0;
    do {
      if (exponent < 10_000) exponent = exponent * 10 + (c - ZERO);
      c = bytes[++at];
    } while (isDigit(c));
    scale += minus ? -exponent : exponent;
  }
  if (digits > 15 || scale > 22 || scale < -22) return Number(bytes.toString('latin1', start, at));
  const value = scale >= 0 ? mantissa * POW10[scale]! : mantissa / POW10[-scale]!;
  return negative ? -value : value;
}

/** `[n, …]` of numbers; undefined when it is not one. */
function readNumbers(): number[] | undefined {
  if (!take(OPEN_ARRAY)) return undefined;
  const out: number[] = [];
  if (take(CLOSE_ARRAY)) return out;
  do {
    const n = readNumber();
    if (n !== n) return undefined;
    out.push(n);
  } while (take(COMMA));
  return take(CLOSE_ARRAY) ? out : undefined;
}

/** Reads `[v, …]` of exactly `out.length` numbers into `out`. */
function readData(out: Float32Array | Float64Array): boolean {
  if (!take(OPEN_ARRAY)) return false;
  const count = out.length;
  for (let i = 0; i < count; i++) {
    if (i > 0 && !take(COMMA)) return false;
    const n = readNumber();
    if (n !== n) return false;
    out[i] = n;
  }
  return take(CLOSE_ARRAY);
}

/** One input object; `budget` is what `maxElements` leaves. */
function readInput(signature: ModelSignature, budget: { left: number }): NamedTensor | undefined {
  if (!take(OPEN_OBJECT)) return undefined;
  let named = false;
  let spec: TensorSpec | undefined;
  let shape: number[] | undefined;
  let datatype: 'FP32' | 'FP64' | undefined;
  let data: Float32Array | Float64Array | undefined;
  do {
    if (!readRaw() || !take(COLON)) return undefined;
    if (textIs(NAME) && !named) {
      // A name the signature lacks is the JSON path's to refuse.
      if (!readRaw() || !(spec = inputNamed(signature))) return undefined;
      named = true;
    } else if (textIs(SHAPE) && !shape) {
      if (!(shape = readNumbers())) return undefined;
    } else if (textIs(DATATYPE) && !datatype) {
      if (!readRaw()) return undefined;
      datatype = textIs(FP32) ? 'FP32' : textIs(FP64) ? 'FP64' : undefined;
      if (!datatype) return undefined;
    } else if (textIs(DATA) && !data && spec && shape && datatype) {
      if (datatype !== spec.datatype || !fittingShape(shape, spec)) return undefined;
      let count = 1;
      for (const dim of shape) count *= dim;
      // Each number takes two bytes at least: a count the body cannot hold allocates nothing.
      if (count > budget.left || count * 2 - 1 > bytes.length - at) return undefined;
      budget.left -= count;
      data = datatype === 'FP32' ? new Float32Array(count) : new Float64Array(count);
      if (!readData(data)) return undefined;
    } else return undefined;
  } while (take(COMMA));
  if (!take(CLOSE_OBJECT) || !data) return undefined;
  return { name: spec!.name, datatype: datatype!, shape: shape!, data };
}

function readInputs(signature: ModelSignature, maxElements: number): NamedTensor[] | undefined {
  if (!take(OPEN_ARRAY)) return undefined;
  const budget = { left: maxElements };
  const inputs: NamedTensor[] = [];
  do {
    const tensor = readInput(signature, budget);
    if (!tensor || inputs.some((t) => t.name === tensor.name)) return undefined;
    inputs.push(tensor);
  } while (take(COMMA));
  return take(CLOSE_ARRAY) && inputs.length === signature.inputs.length ? inputs : undefined;
}

function readBody(signature: ModelSignature, maxElements: number): OipInferRequest | undefined {
  if (!take(OPEN_OBJECT)) return undefined;
  let inputs: NamedTensor[] | undefined;
  let id: string | undefined;
  do {
    if (!readRaw() || !take(COLON)) return undefined;
    if (textIs(INPUTS) && !inputs) {
      if (!(inputs = readInputs(signature, maxElements))) return undefined;
    } else if (textIs(ID) && id === undefined) {
      if (!readRaw()) return undefined;
      id = bytes.toString('latin1', textStart, textEnd);
    } else return undefined;
  } while (take(COMMA));
  if (!take(CLOSE_OBJECT) || !inputs) return undefined;
  skipSpace();
  if (at !== bytes.length) return undefined;
  return id === undefined ? { inputs } : { id, inputs };
}

/** The decoded request, or undefined: then the JSON path decides (see the module's comment). */
export function decodeOipBytes(
  body: Uint8Array,
  signature: ModelSignature,
  maxElements?: number,
): OipInferRequest | undefined {
  bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  at = 0;
  try {
    return readBody(signature, maxElements ?? DEFAULT_MAX_ELEMENTS);
  } finally {
    bytes = Buffer.alloc(0);
  }
}
