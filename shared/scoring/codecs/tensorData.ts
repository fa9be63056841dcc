/**
 * JSON tensor data ⇄ typed arrays. Decoding accepts flat row-major data or nested arrays that match
 * the shape exactly; nesting is checked before the target is allocated, so ragged or short data is
 * refused without spending memory. Leaves are written straight into the typed array.
 */
import { allocate, type OipDatatype, type TensorData } from '../datatypes';
import { InvalidInputError, ShapeMismatchError } from '../scoringErrors';
import { elementReader, elementWriter, type ElementWriter, type JsonScalar, type WriterOptions } from './elementCodec';
import { MAX_RANK, formatShape } from './tensorCheck';

/** A nested JSON array (or a scalar, for rank 0). */
export type NestedJson = JsonScalar | NestedJson[];

/** Dims of a nested JSON array, following first elements: `[[1,2],[3,4]]` → `[2,2]`; a scalar → `[]`. */
export function inferShape(value: unknown, where: string): number[] {
  const shape: number[] = [];
  let node = value;
  while (Array.isArray(node)) {
    if (shape.length === MAX_RANK)
      throw new InvalidInputError(`${where}: data is nested deeper than ${MAX_RANK} levels`);
    shape.push(node.length);
    node = node[0];
  }
  return shape;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** Throws the 400 for a value a writer refused; `label` locates it ("element 5", "row 2, column 'age'"). */
export function refuseElement(where: string, label: string, value: unknown, reason: string): never {
  throw new InvalidInputError(`${where}: ${label} (${preview(value)}): ${reason}`);
}

/** Throws unless `value` is nested arrays of exactly `shape` (leaves are checked while filling). */
export function checkNested(value: unknown, shape: readonly number[], where: string): void {
  const path: number[] = [];
  const visit = (node: unknown, depth: number): void => {
    const expected = shape[depth] ?? 0;
    if (!Array.isArray(node) || node.length !== expected) {
      const at = path.map((i) => `[${i}]`).join('');
      const got = Array.isArray(node) ? `${node.length} items` : 'a scalar';
      throw new ShapeMismatchError(
        `${where}: nested data does not match shape ${formatShape(shape)}: ` +
          `data${at} has ${got}, expected ${expected} (ragged arrays are not allowed)`,
      );
    }
    if (depth + 1 === shape.length) return;
    for (let i = 0; i < node.length; i++) {
      path.push(i);
      visit(node[i], depth + 1);
      path.pop();
    }
  };
  if (shape.length > 0) visit(value, 0);
}

/** Writes the leaves of checked nested data in row-major order from `offset`; returns the next offset. */
export function fillNested(value: unknown, rank: number, write: ElementWriter, offset: number, where: string): number {
  if (rank === 0) {
    const reason = write(offset, value);
    if (reason !== undefined) refuseElement(where, `element ${offset}`, value, reason);
    return offset + 1;
  }
  const node = value as unknown[];
  let next = offset;
  if (rank === 1) {
    for (let i = 0; i < node.length; i++, next++) {
      const reason = write(next, node[i]);
      if (reason !== undefined) refuseElement(where, `element ${next}`, node[i], reason);
    }
    return next;
  }
  for (const child of node) next = fillNested(child, rank - 1, write, next, where);
  return next;
}

/**
 * Decodes the JSON `data` of a tensor whose `shape` was validated (`count` = product(shape)).
 * Flat data must hold exactly `count` scalars; nested data must match `shape` at every level.
 *
 * @example decodeTensorData('FP32', [2, 2], 4, [[1, 2], [3, 4]], "input 'x'") // Float32Array [1,2,3,4]
 */
export function decodeTensorData(
  datatype: OipDatatype,
  shape: readonly number[],
  count: number,
  data: unknown,
  where: string,
  options?: WriterOptions,
): TensorData {
  if (!Array.isArray(data)) throw new InvalidInputError(`${where}: "data" must be an array (flat or nested)`);
  const flat = shape.length <= 1 || data.length === 0 || !Array.isArray(data[0]);
  if (flat && data.length !== count) {
    throw new ShapeMismatchError(
      `${where}: data has ${data.length} elements but shape ${formatShape(shape)} needs ${count}`,
    );
  }
  if (!flat) checkNested(data, shape, where);
  const target = allocate(datatype, count);
  fillNested(data, flat ? 1 : shape.length, elementWriter(datatype, target, options), 0, where);
  return target;
}

/** Flat JSON array of a tensor's elements (OIP output form). */
export function toFlatJson(datatype: OipDatatype, data: TensorData): JsonScalar[] {
  const read = elementReader(datatype, data);
  const out = new Array<JsonScalar>(data.length);
  for (let i = 0; i < data.length; i++) out[i] = read(i);
  return out;
}

/** Nested JSON arrays following `shape` (a scalar for rank 0). */
export function toNestedJson(datatype: OipDatatype, shape: readonly number[], data: TensorData): NestedJson {
  const read = elementReader(datatype, data);
  if (shape.length === 0) return read(0);
  let index = 0;
  const build = (depth: number): NestedJson[] => {
    const size = shape[depth] ?? 0;
    const out = new Array<NestedJson>(size);
    if (depth + 1 === shape.length) {
      for (let i = 0; i < size; i++) out[i] = read(index++);
    } else {
      for (let i = 0; i < size; i++) out[i] = build(depth + 1);
    }
    return out;
  };
  return build(0);
}
