/**
 * Signature-specialised decoders for the bodies nearly every request sends: flat float data in OIP,
 * rows of floats in the Azure ML `data`/`input_data` form. They write each number straight into the
 * tensor's typed array. Each answers `undefined` for anything else, and for anything the general
 * decoders would refuse, so that those run and give the same answer or the same 400/413; when one
 * answers a value, it is the value the general decoder returns (test/unit/scoring/codecs/fastDecode.test.ts).
 */
import type { ModelSignature, NamedTensor, TensorSpec } from '../datatypes';
import type { OipInferRequest } from './oipCodec';
import { DEFAULT_MAX_ELEMENTS } from './tensorCheck';

type FloatArray = Float32Array | Float64Array;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function floatArray(spec: TensorSpec, count: number): FloatArray | undefined {
  if (spec.datatype === 'FP32') return new Float32Array(count);
  if (spec.datatype === 'FP64') return new Float64Array(count);
  return undefined;
}

/** Writes `values` (numbers only) into `out` from `at`; false at the first value that is not a number. */
function writeNumbers(values: unknown[], out: FloatArray, at: number): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number') return false;
    out[at + i] = v;
  }
  return true;
}

/** The dims of `shape` when it is a valid shape of `spec`'s rank and fixed dims; else undefined. */
export function fittingShape(shape: unknown, spec: TensorSpec): number[] | undefined {
  if (!Array.isArray(shape) || spec.unknownRank || shape.length !== spec.shape.length) return undefined;
  const out = new Array<number>(shape.length);
  for (let i = 0; i < shape.length; i++) {
    const dim: unknown = shape[i];
    if (typeof dim !== 'number' || !Number.isSafeInteger(dim) || dim < 1) return undefined;
    const fixed = spec.shape[i]!;
    if (fixed >= 0 && dim !== fixed) return undefined;
    out[i] = dim;
  }
  return out;
}

/** One OIP input `{name, shape, datatype, data}` with flat float data that fits its spec, decoded. */
function oipInput(raw: unknown, signature: ModelSignature, budget: { left: number }): NamedTensor | undefined {
  if (!isPlainObject(raw)) return undefined;
  let keys = 0;
  for (const _ in raw) keys++;
  const { name, shape, datatype, data } = raw;
  if (keys !== 4 || typeof name !== 'string' || !Array.isArray(data)) return undefined;
  const spec = signature.inputs.find((s) => s.name === name);
  if (!spec || datatype !== spec.datatype) return undefined;
  const dims = fittingShape(shape, spec);
  if (!dims) return undefined;
  let count = 1;
  for (const dim of dims) count *= dim;
  if (count > budget.left || data.length !== count) return undefined;
  budget.left -= count;
  const out = floatArray(spec, count);
  if (!out || !writeNumbers(data, out, 0)) return undefined;
  return { name, datatype: spec.datatype, shape: dims, data: out };
}

/**
 * `{"inputs": [...], "id"?}` with every input of the signature once, each with flat float data; or
 * undefined (outputs, parameters, nested data, other datatypes: the general decoder's work).
 */
export function decodeOipFast(
  body: unknown,
  signature: ModelSignature,
  maxElements?: number,
): OipInferRequest | undefined {
  if (!isPlainObject(body)) return undefined;
  const { inputs, id } = body;
  let keys = 0;
  for (const _ in body) keys++;
  if (!Array.isArray(inputs) || keys !== (id === undefined ? 1 : 2) || (id !== undefined && typeof id !== 'string'))
    return undefined;
  if (inputs.length !== signature.inputs.length) return undefined;
  const budget = { left: maxElements ?? DEFAULT_MAX_ELEMENTS };
  const decoded = new Array<NamedTensor>(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const tensor = oipInput(inputs[i], signature, budget);
    if (!tensor) return undefined;
    for (let j = 0; j < i; j++) if (decoded[j]!.name === tensor.name) return undefined;
    decoded[i] = tensor;
  }
  return id === undefined ? { inputs: decoded } : { id, inputs: decoded };
}

/**
 * `{"data": [[…], …]}` or `{"input_data": [[…], …]}` for a model with one float input `[-1, n]`
 * (or `[r, n]`), rows of n numbers; or undefined.
 */
export function decodeRowsFast(
  body: unknown,
  signature: ModelSignature,
  maxElements?: number,
): NamedTensor[] | undefined {
  if (!isPlainObject(body) || signature.inputs.length !== 1) return undefined;
  let keys = 0;
  for (const _ in body) keys++;
  const rows = keys === 1 ? (body.data ?? body.input_data) : undefined;
  const spec = signature.inputs[0]!;
  if (!Array.isArray(rows) || rows.length === 0 || spec.unknownRank || spec.shape.length !== 2) return undefined;
  const [batch, width] = spec.shape as [number, number];
  if (width < 1 || (batch >= 0 && batch !== rows.length)) return undefined;
  const count = rows.length * width;
  if (count > (maxElements ?? DEFAULT_MAX_ELEMENTS)) return undefined;
  const out = floatArray(spec, count);
  if (!out) return undefined;
  for (let r = 0; r < rows.length; r++) {
    const row: unknown = rows[r];
    if (!Array.isArray(row) || row.length !== width || !writeNumbers(row, out, r * width)) return undefined;
  }
  return [{ name: spec.name, datatype: spec.datatype, shape: [rows.length, width], data: out }];
}
