/**
 * Moves tensors across the ONNX Runtime boundary: checks `NamedTensor` feeds against a signature and
 * wraps them as `ort.Tensor`s, and unwraps outputs back, all without per-element work except where
 * ORT would silently alter values (BOOL bytes, BYTES strings). Used by `ModelSession`.
 *
 * What onnxruntime-node 1.30 accepts and returns (checked on Node 20, every type round-trips exactly):
 * BOOL ⇄ Uint8Array of 0/1 (type 'bool'); FP16 ⇄ Uint16Array of raw IEEE half bits (on a Node with
 * `Float16Array` ORT returns that, and we re-view it as Uint16Array); INT64/UINT64 ⇄ BigInt64Array /
 * BigUint64Array (full range, values past 2^53 exact); BYTES ⇄ string[] (UTF-8, unicode intact, but
 * ORT cuts a string at U+0000 and replaces lone surrogates, so `run` refuses those, as it refuses BOOL
 * bytes other than 0/1, which ORT would pass through raw); the rest ⇄ the matching typed array.
 * Outputs are fresh arrays owned by the caller.
 */
import { Tensor } from 'onnxruntime-node';
import { SibylError } from '../errors';
import {
  allocate,
  DATATYPES,
  TYPED_ARRAYS,
  fromOrtType,
  type ModelSignature,
  type NamedTensor,
  type NumericData,
  type OipDatatype,
  type TensorData,
  type TensorSpec,
} from './datatypes';

/** A feed does not fit the signature: code `InvalidInput`, `DatatypeMismatch` or `ShapeMismatch` (400). */
export class TensorInputError extends SibylError {
  constructor(code: 'InvalidInput' | 'DatatypeMismatch' | 'ShapeMismatch', message: string, target?: string) {
    super(code, message, target === undefined ? undefined : [{ target, message }]);
    this.name = 'TensorInputError';
  }
}

/**
 * Checks `feeds` against the model's inputs (names, datatypes, containers, values ORT would alter,
 * shapes) and wraps them as ORT tensors without copying.
 */
export function toOrtFeeds(feeds: readonly NamedTensor[], signature: ModelSignature): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const feed of feeds) {
    const spec = signature.inputs.find((s) => s.name === feed.name);
    if (!spec)
      throw new TensorInputError(
        'InvalidInput',
        `Unknown input '${feed.name}'; the model takes ${names(signature.inputs)}`,
      );
    if (out[feed.name]) throw new TensorInputError('InvalidInput', `Input '${feed.name}' is given twice`);
    checkFeed(feed, spec);
    out[feed.name] = new Tensor(DATATYPES[feed.datatype].ort, feed.data, feed.shape);
  }
  const missing = signature.inputs.filter((s) => !out[s.name]);
  if (missing.length > 0) throw new TensorInputError('InvalidInput', `Missing input ${names(missing)}`);
  return out;
}

/** The outputs to fetch: all in signature order by default, else `requested` (checked, deduplicated). */
export function outputNamesFor(requested: readonly string[] | undefined, signature: ModelSignature): string[] {
  const all = signature.outputs.map((s) => s.name);
  if (!requested) return all;
  for (const name of requested) {
    if (!all.includes(name))
      throw new TensorInputError(
        'InvalidInput',
        `Unknown output '${name}'; the model gives ${names(signature.outputs)}`,
      );
  }
  return [...new Set(requested)];
}

const names = (specs: readonly TensorSpec[]): string => specs.map((s) => `'${s.name}'`).join(', ') || 'nothing';

function checkFeed(feed: NamedTensor, spec: TensorSpec): void {
  const fail = (code: 'InvalidInput' | 'DatatypeMismatch' | 'ShapeMismatch', why: string): never => {
    throw new TensorInputError(code, `Input '${feed.name}' ${why}`, feed.name);
  };
  const shape = `[${feed.shape.join(', ')}]`;
  if (feed.datatype !== spec.datatype) fail('DatatypeMismatch', `must be ${spec.datatype}, not ${feed.datatype}`);
  if (!holds(feed.datatype, feed.data))
    fail('InvalidInput', `has a data array that does not hold ${feed.datatype} values`);
  const bad = badElement(feed.datatype, feed.data);
  if (bad) fail('InvalidInput', `element ${bad.index} ${bad.why}`);
  if (!feed.shape.every((d) => Number.isInteger(d) && d >= 0))
    fail('ShapeMismatch', `has shape ${shape}; dims must be whole numbers ≥ 0`);
  const size = feed.shape.reduce((a, b) => a * b, 1);
  if (size !== feed.data.length)
    fail('ShapeMismatch', `has shape ${shape}, which holds ${size} values, but ${feed.data.length} were given`);
  if (spec.unknownRank) return;
  const fits = feed.shape.length === spec.shape.length && spec.shape.every((d, i) => d === -1 || d === feed.shape[i]);
  if (!fits) fail('ShapeMismatch', `has shape ${shape}, which does not fit [${spec.shape.join(', ')}] (-1 = any size)`);
}

/** Whether `data` is the container `allocate(datatype)` makes; prototype names work across realms (Jest). */
function holds(datatype: OipDatatype, data: TensorData): boolean {
  if (datatype === 'BYTES') return Array.isArray(data) && data.every((s) => typeof s === 'string');
  return Object.prototype.toString.call(data) === Object.prototype.toString.call(allocate(datatype, 0));
}

// A lone UTF-16 surrogate, which UTF-8 cannot encode (ORT would turn it into U+FFFD).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Values ONNX Runtime would silently change: BOOL bytes other than 0/1 (passed through raw), and BYTES
 * strings with U+0000 (cut short there: ORT strings are C strings) or lone surrogates.
 */
function badElement(datatype: OipDatatype, data: TensorData): { index: number; why: string } | undefined {
  if (datatype === 'BOOL') {
    const index = (data as Uint8Array).findIndex((v) => v > 1);
    return index < 0 ? undefined : { index, why: 'is not 0 or 1' };
  }
  if (datatype !== 'BYTES') return undefined;
  const strings = data as string[];
  for (let index = 0; index < strings.length; index++) {
    const value = strings[index]!;
    if (value.includes('\u0000'))
      return { index, why: 'contains U+0000, which ONNX Runtime string tensors cannot carry' };
    if (LONE_SURROGATE.test(value)) return { index, why: 'is not valid Unicode (lone surrogate)' };
  }
  return undefined;
}

/** Re-views ORT's output in this realm's typed array for its datatype (no copy). */
export function fromOrtTensor(name: string, value: Tensor | undefined): NamedTensor {
  const datatype = value && fromOrtType(value.type);
  // Cannot happen for a signature-checked model: its outputs were all checked at load.
  if (!value || !datatype)
    throw new SibylError('InternalError', `Output '${name}' came back as ${value ? value.type : 'nothing'}`);
  const shape = [...value.dims];
  if (datatype === 'BYTES') return { name, datatype, shape, data: Array.from(value.data as string[]) };
  const View = TYPED_ARRAYS[datatype];
  const raw = value.data as NumericData;
  return { name, datatype, shape, data: new View(raw.buffer, raw.byteOffset, raw.length) };
}

/** Zero tensors (empty strings for BYTES) shaped from the signature with every dynamic dim = 1. */
export function exampleFeeds(signature: ModelSignature): NamedTensor[] {
  return signature.inputs.map((spec) => {
    const shape = spec.unknownRank ? [1] : spec.shape.map((d) => (d === -1 ? 1 : d));
    return {
      name: spec.name,
      datatype: spec.datatype,
      shape,
      data: allocate(
        spec.datatype,
        shape.reduce((a, b) => a * b, 1),
      ),
    };
  });
}
