/**
 * Checks request tensors against a model signature before anything is allocated or run. Shapes
 * and element counts are validated first, so a body that declares `[1e12, 1e12]` is refused with
 * 413 without touching memory; every other mismatch is a 400 naming the input and the expectation.
 */
import type { ModelSignature, NamedTensor, OipDatatype, TensorSpec } from '../datatypes';
import { DatatypeMismatchError, InvalidInputError, PayloadTooLargeError, ShapeMismatchError } from '../scoringErrors';

/** Default cap on the elements of one request, all inputs together (64 Mi). */
export const DEFAULT_MAX_ELEMENTS = 64 * 1024 * 1024;

/** Highest tensor rank the codecs accept (deeper nesting would only exhaust the stack). */
export const MAX_RANK = 32;

/** Limits applied while decoding a request. */
export interface TensorLimits {
  /** Most elements one request may declare, all inputs together; default {@link DEFAULT_MAX_ELEMENTS}. */
  maxElements?: number;
}

/** What is known about a tensor before its data is decoded. */
export interface TensorHeader {
  name: string;
  datatype: OipDatatype;
  shape: readonly number[];
}

/** `[-1,4]`; long shapes are cut so messages stay short. */
export function formatShape(shape: readonly unknown[]): string {
  const head = shape.slice(0, 16).map((d) => (typeof d === 'number' ? String(d) : (JSON.stringify(d) ?? String(d))));
  return `[${head.join(',')}${shape.length > 16 ? ',…' : ''}]`;
}

/**
 * Validates a concrete shape (array of non-negative integers) and returns its element count,
 * refusing counts above `maxElements` before the caller allocates anything.
 *
 * @example checkShape([2, 3], "input 'x'") === 6
 */
export function checkShape(shape: unknown, where: string, maxElements = DEFAULT_MAX_ELEMENTS): number {
  if (!Array.isArray(shape)) throw new InvalidInputError(`${where}: "shape" must be an array of non-negative integers`);
  if (shape.length > MAX_RANK)
    throw new InvalidInputError(`${where}: shape has ${shape.length} dimensions; at most ${MAX_RANK} are supported`);
  let zero = false;
  for (const dim of shape as unknown[]) {
    if (typeof dim !== 'number' || !Number.isSafeInteger(dim) || dim < 0) {
      throw new InvalidInputError(
        `${where}: shape ${formatShape(shape as unknown[])} is invalid; every dimension must be a non-negative integer`,
      );
    }
    if (dim === 0) zero = true;
  }
  if (zero) return 0;
  let count = 1;
  for (const dim of shape as number[]) {
    count *= dim;
    if (count > maxElements) {
      throw new PayloadTooLargeError(
        `${where}: shape ${formatShape(shape as unknown[])} declares more than the ${maxElements} elements allowed per request`,
      );
    }
  }
  return count;
}

/**
 * Tracks the elements a request has declared so far, across inputs, against `maxElements`.
 *
 * @example const budget = new ElementBudget(limits); const n = budget.take(shape, "input 'x'");
 */
export class ElementBudget {
  private used = 0;
  readonly max: number;

  constructor(limits: TensorLimits = {}) {
    this.max = limits.maxElements ?? DEFAULT_MAX_ELEMENTS;
  }

  /** Validates `shape`, adds its element count to the total and returns the count. */
  take(shape: unknown, where: string): number {
    const count = checkShape(shape, where, this.max);
    this.used += count;
    if (this.used > this.max) {
      throw new PayloadTooLargeError(
        `${where}: the request declares ${this.used} elements in all, more than the ${this.max} allowed per request`,
      );
    }
    return count;
  }
}

/** Checks one tensor's datatype, rank and fixed dimensions against its spec (any rank when `unknownRank`). */
export function checkAgainstSpec(spec: TensorSpec, tensor: TensorHeader): void {
  const where = `input '${spec.name}'`;
  if (tensor.datatype !== spec.datatype) {
    throw new DatatypeMismatchError(`${where} has datatype ${tensor.datatype}; the model expects ${spec.datatype}`);
  }
  if (spec.unknownRank) return;
  const expected = formatShape(spec.shape);
  if (tensor.shape.length !== spec.shape.length) {
    throw new ShapeMismatchError(
      `${where} has shape ${formatShape(tensor.shape)} (rank ${tensor.shape.length}); ` +
        `the model expects rank ${spec.shape.length}, shape ${expected} (-1 = any size)`,
    );
  }
  spec.shape.forEach((dim, i) => {
    if (dim >= 0 && tensor.shape[i] !== dim) {
      throw new ShapeMismatchError(
        `${where} has shape ${formatShape(tensor.shape)}; dimension ${i} must be ${dim} (model shape ${expected}, -1 = any size)`,
      );
    }
  });
}

/** Refuses duplicate, unknown and missing input names, then checks each tensor against its spec. */
export function checkInputs(tensors: readonly TensorHeader[], signature: ModelSignature): void {
  const specs = new Map(signature.inputs.map((s) => [s.name, s]));
  const seen = new Set<string>();
  for (const tensor of tensors) {
    if (seen.has(tensor.name)) throw new InvalidInputError(`input '${tensor.name}' is given more than once`);
    seen.add(tensor.name);
    const spec = specs.get(tensor.name);
    if (!spec) {
      throw new InvalidInputError(
        `unknown input '${tensor.name}'; the model's inputs are ${describeSpecs(signature.inputs)}`,
      );
    }
    checkAgainstSpec(spec, tensor);
  }
  const missing = signature.inputs.filter((s) => !seen.has(s.name));
  if (missing.length > 0) throw new InvalidInputError(`missing input ${describeSpecs(missing)}`);
}

/**
 * Full check of decoded tensors: names, specs, shape validity, the element budget and
 * `data.length === product(shape)` for each.
 */
export function checkTensors(
  tensors: readonly NamedTensor[],
  signature: ModelSignature,
  limits: TensorLimits = {},
): void {
  checkInputs(tensors, signature);
  const budget = new ElementBudget(limits);
  for (const tensor of tensors) {
    const count = budget.take(tensor.shape, `input '${tensor.name}'`);
    if (tensor.data.length !== count) {
      throw new ShapeMismatchError(
        `input '${tensor.name}' has ${tensor.data.length} elements but its shape ${formatShape(tensor.shape)} needs ${count}`,
      );
    }
  }
}

/** Refuses requested output names the model does not have. */
export function checkOutputNames(names: readonly string[], signature: ModelSignature): void {
  const known = new Set(signature.outputs.map((s) => s.name));
  for (const name of names) {
    if (!known.has(name)) {
      throw new InvalidInputError(
        `unknown output '${name}'; the model's outputs are ${describeSpecs(signature.outputs)}`,
      );
    }
  }
}

/** `'a' (FP32 [-1,4]), 'b' (INT64 [-1])` */
export function describeSpecs(specs: readonly TensorSpec[]): string {
  if (specs.length === 0) return '(none)';
  return specs
    .map((s) => `'${s.name}' (${s.datatype} ${s.unknownRank ? 'any shape' : formatShape(s.shape)})`)
    .join(', ');
}
