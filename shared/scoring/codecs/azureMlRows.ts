/**
 * Builds one input tensor from table rows (the Azure ML / MLflow row-oriented forms). Two ways:
 * - `decodeRows`: each row holds the input's per-row value (a scalar, `[v1…vN]`, or a nested
 *   array for rank > 2 inputs); the rows are stacked on a new dim 0.
 * - `decodeColumns`: the input takes `width` consecutive scalar columns of each row (positional
 *   mapping of a flat table onto several inputs).
 * Rows are checked before the typed array is allocated; JSON `null` reads as NaN for float types.
 */
import { allocate, type NamedTensor, type TensorSpec } from '../datatypes';
import { InvalidInputError, ShapeMismatchError } from '../scoringErrors';
import { elementWriter } from './elementCodec';
import { formatShape, type ElementBudget } from './tensorCheck';
import { checkNested, fillNested, inferShape, refuseElement } from './tensorData';

const NULL_AS_NAN = { nullAsNaN: true };

function checkBatchDim(spec: TensorSpec, rows: number): void {
  const where = `input '${spec.name}'`;
  if (spec.unknownRank) return;
  if (spec.shape.length === 0) {
    throw new InvalidInputError(
      `${where} is a scalar (shape []) and cannot take table rows; send {"inputs": {"${spec.name}": value}}`,
    );
  }
  const batch = spec.shape[0] ?? -1;
  if (batch >= 0 && batch !== rows) {
    throw new ShapeMismatchError(
      `${where} takes exactly ${batch} rows (model shape ${formatShape(spec.shape)}); got ${rows}`,
    );
  }
}

/** The concrete shape of one row: the spec's dims after dim 0, dynamic ones taken from the first row. */
function rowShapeOf(spec: TensorSpec, rows: number, first: unknown): number[] {
  if (spec.unknownRank) return rows === 0 ? [] : inferShape(first, `input '${spec.name}'`);
  const specRow = spec.shape.slice(1);
  if (specRow.every((d) => d >= 0)) return specRow;
  if (rows === 0) return specRow.map((d) => Math.max(d, 0));
  const firstShape = inferShape(first, `input '${spec.name}'`);
  if (firstShape.length !== specRow.length) {
    throw new ShapeMismatchError(
      `input '${spec.name}': row 0 has shape ${formatShape(firstShape)}; ` +
        `each row must have shape ${formatShape(specRow)} (model shape ${formatShape(spec.shape)}, -1 = any size)`,
    );
  }
  return specRow.map((d, i) => (d >= 0 ? d : (firstShape[i] ?? 0)));
}

/** Unwraps `[[v]]` to `v` for inputs whose rows hold a single element. */
function unwrapSingleton(value: unknown): unknown {
  let v = value;
  while (Array.isArray(v) && v.length === 1) v = v[0];
  return v;
}

/**
 * Stacks per-row values of `spec` into a tensor of shape `[rows, ...rowShape]`.
 *
 * @example decodeRows({name: 'x', datatype: 'FP32', shape: [-1, 2]}, 2, (r) => [[1, 2], [3, 4]][r], budget)
 */
export function decodeRows(
  spec: TensorSpec,
  rows: number,
  getRow: (row: number) => unknown,
  budget: ElementBudget,
): NamedTensor {
  const where = `input '${spec.name}'`;
  checkBatchDim(spec, rows);
  const rowShape = rowShapeOf(spec, rows, rows > 0 ? getRow(0) : undefined);
  const shape = [rows, ...rowShape];
  const count = budget.take(shape, where);
  const rowSize = rows === 0 ? 0 : count / rows;
  const single = rowShape.every((d) => d === 1);
  if (!single) for (let r = 0; r < rows; r++) checkNested(getRow(r), rowShape, `${where} row ${r}`);
  const data = allocate(spec.datatype, count);
  const write = elementWriter(spec.datatype, data, NULL_AS_NAN);
  for (let r = 0; r < rows; r++) {
    if (single) {
      const value = unwrapSingleton(getRow(r));
      const reason = write(r, value);
      if (reason !== undefined) refuseElement(where, `row ${r}`, value, reason);
    } else {
      fillNested(getRow(r), rowShape.length, write, r * rowSize, where);
    }
  }
  return { name: spec.name, datatype: spec.datatype, shape, data };
}

/** How many scalar columns a rank-1 (`[-1]`) or rank-2 (`[-1, k]`) input takes in a flat table. */
export function columnWidth(spec: TensorSpec): number {
  const inner = spec.shape[1];
  if (spec.shape.length === 1 && !spec.unknownRank) return 1;
  if (spec.shape.length === 2 && inner !== undefined && inner >= 0) return inner;
  throw new InvalidInputError(
    `input '${spec.name}' (shape ${spec.unknownRank ? 'unknown' : formatShape(spec.shape)}) cannot be filled from table columns; ` +
      `send named tensors: {"input_data": {"${spec.name}": [...]}}`,
  );
}

/**
 * Fills `spec` from `width` consecutive columns starting at `offset` of each row array; shape
 * `[rows]` for rank-1 inputs, `[rows, width]` for rank-2.
 */
export function decodeColumns(
  spec: TensorSpec,
  rows: readonly unknown[][],
  offset: number,
  columns: readonly string[] | undefined,
  budget: ElementBudget,
): NamedTensor {
  const where = `input '${spec.name}'`;
  checkBatchDim(spec, rows.length);
  const width = columnWidth(spec);
  const shape = spec.shape.length === 1 ? [rows.length] : [rows.length, width];
  const data = allocate(spec.datatype, budget.take(shape, where));
  const write = elementWriter(spec.datatype, data, NULL_AS_NAN);
  rows.forEach((row, r) => {
    for (let j = 0; j < width; j++) {
      const value = row[offset + j];
      const reason = write(r * width + j, value);
      if (reason !== undefined) {
        const column = columns?.[offset + j] !== undefined ? `'${columns[offset + j]}'` : String(offset + j);
        refuseElement(where, `row ${r}, column ${column}`, value, reason);
      }
    }
  });
  return { name: spec.name, datatype: spec.datatype, shape, data };
}
