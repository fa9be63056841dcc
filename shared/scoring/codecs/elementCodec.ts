/**
 * Per-element conversion between parsed JSON values and typed-array slots, for every OIP datatype.
 * Writers return `undefined` on success and a short reason on failure (no allocation on the happy
 * path); callers add the input name and the element index to the message.
 *
 * JSON conventions (shared by the OIP and Azure ML codecs; part of the wire format):
 * - BOOL: `true`/`false` only.
 * - INT8…UINT32: JSON integers within the type's range.
 * - INT64/UINT64: safe integers (|n| ≤ 2^53-1) as numbers, or any in-range value as a decimal string
 *   (`"-9223372036854775808"`). A number beyond 2^53 has already lost digits in JSON, so it is refused.
 *   On output, safe values are numbers and the rest strings, so every value round-trips exactly.
 * - FP16/FP32/FP64: numbers, or the strings `"NaN"`, `"Infinity"`, `"-Infinity"` (JSON has no
 *   literal for them); outputs use the same strings. Values are rounded to the type (IEEE, ties to
 *   even); magnitudes past the type's range become ±Infinity. `-0` is kept in tensors, but JSON text
 *   prints it as `0`.
 * - BYTES: strings (UTF-8 text).
 */
import type { OipDatatype, TensorData } from '../datatypes';
import { fromFloat16Bits, toFloat16Bits } from './float16';

/** Writes `value` at `index`; returns a reason when the value is not acceptable. */
export type ElementWriter = (index: number, value: unknown) => string | undefined;
/** A JSON scalar as the codecs emit it. */
export type JsonScalar = number | string | boolean;
/** Reads element `index` as a JSON scalar. */
export type ElementReader = (index: number) => JsonScalar;

export interface WriterOptions {
  /** Read JSON `null` as NaN for float types (pandas writes missing values as null). */
  nullAsNaN?: boolean;
}

const INT_RANGES: Partial<Record<OipDatatype, readonly [number, number]>> = {
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  INT32: [-2147483648, 2147483647],
  UINT8: [0, 255],
  UINT16: [0, 65535],
  UINT32: [0, 4294967295],
};
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const SIGNED_DECIMAL = /^-?\d{1,20}$/;
const UNSIGNED_DECIMAL = /^\d{1,20}$/;
const UNSAFE =
  'an integer beyond ±2^53 loses digits as a JSON number; send it as a decimal string (e.g. "9007199254740993")';

function toFloat(value: unknown, nullAsNaN: boolean): number | undefined {
  if (typeof value === 'number') return value;
  if (value === 'NaN' || (value === null && nullAsNaN)) return NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  return undefined;
}

function toBigInt(value: unknown, signed: boolean): bigint | string {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return 'not an integer';
    if (!Number.isSafeInteger(value)) return UNSAFE;
    return BigInt(value);
  }
  if (typeof value === 'string' && (signed ? SIGNED_DECIMAL : UNSIGNED_DECIMAL).test(value)) return BigInt(value);
  return signed
    ? 'expected an integer (number or decimal string)'
    : 'expected a non-negative integer (number or decimal string)';
}

/** Returns a writer that fills `target` (allocated with `allocate(datatype, …)`) from JSON values. */
export function elementWriter(datatype: OipDatatype, target: TensorData, options: WriterOptions = {}): ElementWriter {
  const nullAsNaN = options.nullAsNaN === true;
  switch (datatype) {
    case 'BOOL': {
      const out = target as Uint8Array;
      return (i, v) => {
        if (typeof v !== 'boolean') return 'expected true or false';
        out[i] = v ? 1 : 0;
        return undefined;
      };
    }
    case 'FP16': {
      const out = target as Uint16Array;
      return (i, v) => {
        const f = toFloat(v, nullAsNaN);
        if (f === undefined) return 'expected a number (or "NaN", "Infinity", "-Infinity")';
        out[i] = toFloat16Bits(f);
        return undefined;
      };
    }
    case 'FP32':
    case 'FP64': {
      const out = target as Float32Array | Float64Array;
      return (i, v) => {
        const f = toFloat(v, nullAsNaN);
        if (f === undefined) return 'expected a number (or "NaN", "Infinity", "-Infinity")';
        out[i] = f;
        return undefined;
      };
    }
    case 'INT64':
    case 'UINT64': {
      const signed = datatype === 'INT64';
      const out = target as BigInt64Array | BigUint64Array;
      const [min, max] = signed ? [INT64_MIN, INT64_MAX] : [0n, UINT64_MAX];
      return (i, v) => {
        const b = toBigInt(v, signed);
        if (typeof b === 'string') return b;
        if (b < min || b > max) return `outside the ${datatype} range [${min}, ${max}]`;
        out[i] = b;
        return undefined;
      };
    }
    case 'BYTES': {
      const out = target as string[];
      return (i, v) => {
        if (typeof v !== 'string') return 'expected a string';
        out[i] = v;
        return undefined;
      };
    }
    default: {
      const out = target as Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;
      const [min, max] = INT_RANGES[datatype] ?? [0, 0];
      return (i, v) => {
        if (typeof v !== 'number' || !Number.isInteger(v)) return 'expected an integer';
        if (v < min || v > max) return `outside the ${datatype} range [${min}, ${max}]`;
        out[i] = v;
        return undefined;
      };
    }
  }
}

const FLOAT32_MIN_NORMAL = 2 ** -126;
const floatBits = new Uint32Array(1);
const floatView = new Float32Array(floatBits.buffer);

/** The first k from `from` whose k-digit rounding reads back as `f` (9 always does). */
function shortestFrom(f: number, from: number): number {
  for (let digits = from; digits < 9; digits++) {
    const candidate = Number(f.toPrecision(digits));
    if (Math.fround(candidate) === f) return candidate;
  }
  return Number(f.toPrecision(9));
}

/**
 * The shortest decimal that reads back as the same float32 (0.1f prints as 0.1, not
 * 0.10000000149011612), so answers are exact and readable; 9 significant digits always suffice.
 *
 * Most outputs need 8 or 9 digits, so the search runs downwards: when the float's nearest k-digit
 * decimal reads back, so does its nearest (k+1)-digit one (it is at least as close), so the first
 * k going down whose rounding fails means k+1 is the answer. Below 7 digits the nearest 6-digit
 * decimal is the answer whenever one of ≤ 6 digits exists (such a decimal is within half a float32
 * ulp, less than half the 6-digit spacing). Two exceptions search upwards instead: powers of two,
 * whose rounding interval is narrower below than above, and subnormals, which have fewer bits.
 */
export function shortestFloat32(f: number): number {
  if (!Number.isFinite(f) || f === 0) return f;
  floatView[0] = f;
  if (Math.abs(f) < FLOAT32_MIN_NORMAL) return shortestFrom(f, 1);
  if ((floatBits[0]! & 0x7fffff) === 0) return shortestFrom(f, 6);
  const p8 = Number(f.toPrecision(8));
  if (Math.fround(p8) !== f) return Number(f.toPrecision(9));
  const p7 = Number(f.toPrecision(7));
  if (Math.fround(p7) !== f) return p8;
  const p6 = Number(f.toPrecision(6));
  return Math.fround(p6) === f ? p6 : p7;
}

function floatToJson(f: number): number | string {
  if (Number.isFinite(f)) return f;
  if (Number.isNaN(f)) return 'NaN';
  return f > 0 ? 'Infinity' : '-Infinity';
}

/** Returns a reader that turns the elements of `data` into JSON scalars (see module conventions). */
export function elementReader(datatype: OipDatatype, data: TensorData): ElementReader {
  switch (datatype) {
    case 'BOOL': {
      const src = data as Uint8Array;
      return (i) => src[i] !== 0;
    }
    case 'FP16': {
      const src = data as Uint16Array;
      return (i) => floatToJson(fromFloat16Bits(src[i] ?? 0));
    }
    case 'FP32': {
      const src = data as Float32Array;
      return (i) => floatToJson(shortestFloat32(src[i] ?? NaN));
    }
    case 'FP64': {
      const src = data as Float64Array;
      return (i) => floatToJson(src[i] ?? NaN);
    }
    case 'INT64':
    case 'UINT64': {
      const src = data as BigInt64Array | BigUint64Array;
      return (i) => {
        const b = src[i] ?? 0n;
        const n = Number(b);
        return Number.isSafeInteger(n) ? n : b.toString();
      };
    }
    case 'BYTES': {
      const src = data as string[];
      return (i) => src[i] ?? '';
    }
    default: {
      const src = data as Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;
      return (i) => src[i] ?? 0;
    }
  }
}
