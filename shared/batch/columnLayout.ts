/**
 * Maps the columns of an input file onto a model's inputs, once per job:
 * - by name: a column per input named after it (`age`), or `<input>_<i>` columns for a vector input
 *   (`features_0` … `features_15`), the same naming `predictions.csv` uses for outputs;
 * - by position: a model with one input of `[-1, k]` takes rows of exactly k columns whatever their names;
 *   headerless rows (JSONL arrays) fill several inputs with consecutive columns.
 * Every input must take one row per batch element: shape `[-1]` or `[-1, d1, …]` with fixed `d1…`.
 *
 * @example bindColumns(['features_0', …, 'features_15'], 16, signature, "file 'in/a.csv'")
 */
import { SibylError } from '../errors';
import type { ModelSignature, OipDatatype, TensorSpec } from '../scoring/datatypes';
import { describeSpecs, formatShape } from '../scoring/codecs/tensorCheck';

export interface InputBinding {
  name: string;
  datatype: OipDatatype;
  /** The dims after the batch dimension (`[16]` for `[-1, 16]`, `[]` for `[-1]`). */
  rowShape: number[];
  /** Values per row (the product of `rowShape`). */
  width: number;
  /** Cell indices that fill this input, in row-major order. */
  columns: number[];
}

export interface ColumnLayout {
  inputs: InputBinding[];
  /** Cells every row must have. */
  columnCount: number;
  /** How the columns were matched (for messages and the run log). */
  matchedBy: 'name' | 'position';
  /** Column names, when the file has them (for messages). */
  names?: string[];
}

function invalid(message: string): SibylError {
  return new SibylError('InvalidInput', message);
}

/** The per-row shape of an input that can be fed row by row, or throws saying why not. */
export function rowShapeOf(spec: TensorSpec, role: 'input' | 'output'): number[] {
  if (spec.unknownRank) return [];
  const [batch, ...rest] = spec.shape;
  if (spec.shape.length === 0 || (batch !== -1 && role === 'input')) {
    throw invalid(
      `Model ${role} '${spec.name}' has shape ${formatShape(spec.shape)}; ` +
        `batch scoring needs a first (batch) dimension of -1 so rows can be stacked.`,
    );
  }
  if (role === 'input' && rest.some((d) => d < 1)) {
    throw invalid(
      `Model input '${spec.name}' has shape ${formatShape(spec.shape)}; ` +
        `batch scoring needs every dimension after the first to be fixed, so each row has a known number of values.`,
    );
  }
  return rest;
}

function bindingOf(spec: TensorSpec, columns: number[]): InputBinding {
  const rowShape = rowShapeOf(spec, 'input');
  return { name: spec.name, datatype: spec.datatype, rowShape, width: rowShape.reduce((a, b) => a * b, 1), columns };
}

/** Throws unless every input and output of the model can be scored row by row. */
export function checkBatchable(signature: ModelSignature): void {
  for (const spec of signature.inputs) rowShapeOf(spec, 'input');
  for (const spec of signature.outputs) rowShapeOf(spec, 'output');
}

/** Column indices of `input` by name (`name`, or `name_0…`), or undefined. */
function columnsByName(spec: TensorSpec, width: number, index: Map<string, number>): number[] | undefined {
  const direct = index.get(spec.name);
  if (width === 1 && direct !== undefined) return [direct];
  const columns: number[] = [];
  for (let i = 0; i < width; i++) {
    const at = index.get(`${spec.name}_${i}`);
    if (at === undefined) return undefined;
    columns.push(at);
  }
  return columns;
}

/**
 * Binds named columns (`names`, e.g. a CSV header) or, with no names, `columnCount` positional cells.
 * `what` names the file in messages.
 */
export function bindColumns(
  names: readonly string[] | undefined,
  columnCount: number,
  signature: ModelSignature,
  what: string,
): ColumnLayout {
  checkBatchable(signature);
  const widths = signature.inputs.map((spec) => bindingOf(spec, []).width);
  if (names) {
    const index = new Map<string, number>();
    names.forEach((name, i) => {
      if (!index.has(name)) index.set(name, i);
    });
    const byName = signature.inputs.map((spec, i) => columnsByName(spec, widths[i]!, index));
    if (byName.every((c) => c !== undefined)) {
      return {
        inputs: signature.inputs.map((spec, i) => bindingOf(spec, byName[i]!)),
        columnCount,
        matchedBy: 'name',
        names: [...names],
      };
    }
  }
  const total = widths.reduce((a, b) => a + b, 0);
  if ((signature.inputs.length === 1 || !names) && columnCount === total) {
    let next = 0;
    const inputs = signature.inputs.map((spec, i) =>
      bindingOf(
        spec,
        Array.from({ length: widths[i]! }, () => next++),
      ),
    );
    return { inputs, columnCount, matchedBy: 'position', ...(names ? { names: [...names] } : {}) };
  }
  const shown = names
    ? `columns ${names
        .slice(0, 8)
        .map((n) => `'${n}'`)
        .join(', ')}${names.length > 8 ? `, … (${names.length} in all)` : ''}`
    : `${columnCount} values per row`;
  const hint = signature.inputs
    .map((spec, i) => (widths[i] === 1 ? `'${spec.name}'` : `'${spec.name}_0'…'${spec.name}_${widths[i]! - 1}'`))
    .join(', ');
  throw invalid(
    `${what} has ${shown}, which do not match the model's inputs ${describeSpecs(signature.inputs)}: name the columns ${hint}` +
      (signature.inputs.length === 1 ? `, or give exactly ${total} columns` : '') +
      '.',
  );
}

/** How to read the cells of a JSONL object line: `obj[key]`, or `obj[key][element]` for vector values. */
export interface CellKey {
  key: string;
  element?: number;
}

/** Binds the keys of a JSONL object (the first line's) to the inputs; returns the layout and where each cell comes from. */
export function bindObject(
  sample: Record<string, unknown>,
  signature: ModelSignature,
  what: string,
): { layout: ColumnLayout; keys: CellKey[] } {
  checkBatchable(signature);
  const keys: CellKey[] = [];
  const inputs: InputBinding[] = [];
  for (const spec of signature.inputs) {
    const width = bindingOf(spec, []).width;
    const value = sample[spec.name];
    const start = keys.length;
    if (value !== undefined && width === 1 && !Array.isArray(value)) keys.push({ key: spec.name });
    else if (Array.isArray(value) && flatLength(value) === width)
      for (let i = 0; i < width; i++) keys.push({ key: spec.name, element: i });
    else if (Array.from({ length: width }, (_, i) => `${spec.name}_${i}`).every((k) => k in sample))
      for (let i = 0; i < width; i++) keys.push({ key: `${spec.name}_${i}` });
    else break;
    inputs.push(
      bindingOf(
        spec,
        Array.from({ length: keys.length - start }, (_, i) => start + i),
      ),
    );
  }
  if (inputs.length === signature.inputs.length)
    return { layout: { inputs, columnCount: keys.length, matchedBy: 'name' }, keys };
  const names = Object.keys(sample);
  const layout = bindColumns(names, names.length, signature, what);
  return { layout, keys: names.map((key) => ({ key })) };
}

/** Element count of a nested array (vector inputs may come as `[[…]]` for `[-1, 2, 8]`). */
export function flatLength(value: unknown[]): number {
  let n = 0;
  for (const v of value) n += Array.isArray(v) ? flatLength(v) : 1;
  return n;
}

/** `file,row,<output>` or `<output>_<i>` column names for outputs of the given per-row widths. */
export function outputColumns(outputs: readonly { name: string; width: number }[]): string[] {
  const names = ['file', 'row'];
  for (const { name, width } of outputs) {
    if (width === 1) names.push(name);
    else for (let i = 0; i < width; i++) names.push(`${name}_${i}`);
  }
  return names;
}
