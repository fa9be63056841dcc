/**
 * Maps a table (optional column names + rows, or records) onto a model's inputs:
 * - by name, when the columns name the inputs (every input of a multi-input model, or exactly the
 *   one input of a single-input model): each cell is that input's per-row value;
 * - a single-input model otherwise takes whole rows (`[v1…vN]` for a `[-1, N]` input);
 * - several inputs otherwise take consecutive columns by position (`[-1]` → 1, `[-1, k]` → k).
 */
import type { ModelSignature, NamedTensor, TensorSpec } from '../datatypes';
import { InvalidInputError, ShapeMismatchError } from '../scoringErrors';
import { columnWidth, decodeColumns, decodeRows } from './azureMlRows';
import { describeSpecs, type ElementBudget } from './tensorCheck';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when `names` address the inputs by name; throws on extra or partly matching names. */
function namesInputs(names: readonly string[], inputs: readonly TensorSpec[], what: string): boolean {
  const known = new Set(inputs.map((s) => s.name));
  const matching = names.filter((n) => known.has(n));
  if (inputs.length === 1) return names.length === 1 && matching.length === 1;
  if (matching.length === 0) return false;
  const unknown = names.filter((n) => !known.has(n));
  const missing = inputs.filter((s) => !names.includes(s.name));
  if (new Set(names).size !== names.length) throw new InvalidInputError(`${what} names a column more than once`);
  if (unknown.length > 0) {
    throw new InvalidInputError(
      `${what}: unknown column '${unknown[0]}'; the model's inputs are ${describeSpecs(inputs)}`,
    );
  }
  if (missing.length > 0) throw new InvalidInputError(`${what}: missing column for input ${describeSpecs(missing)}`);
  return true;
}

function parseColumns(columns: unknown, what: string): string[] | undefined {
  if (columns === undefined) return undefined;
  if (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string')) {
    throw new InvalidInputError(`${what}: "columns" must be an array of strings`);
  }
  return columns;
}

function checkRowArrays(rows: readonly unknown[], width: number, what: string): asserts rows is unknown[][] {
  rows.forEach((row, r) => {
    if (!Array.isArray(row) || row.length !== width) {
      const got = Array.isArray(row) ? `${row.length} values` : 'a non-array';
      throw new ShapeMismatchError(`${what}: row ${r} has ${got}; expected ${width} values per row`);
    }
  });
}

/**
 * Decodes `rows` (with optional `columns`) into one tensor per input.
 *
 * @example decodeTable(['a', 'b'], [[1, 2], [3, 4]], signature, budget) // a: [1,3], b: [2,4] when named so
 */
export function decodeTable(
  columns: unknown,
  rows: unknown,
  signature: ModelSignature,
  budget: ElementBudget,
  what: string,
): NamedTensor[] {
  if (!Array.isArray(rows)) throw new InvalidInputError(`${what}: the rows must be an array`);
  const list: unknown[] = rows;
  const names = parseColumns(columns, what);
  const inputs = signature.inputs;
  if (names) checkRowArrays(list, names.length, what);
  if (names && namesInputs(names, inputs, what)) {
    const table = list as unknown[][];
    const index = new Map(names.map((c, i) => [c, i]));
    return inputs.map((spec) => {
      const col = index.get(spec.name) ?? 0;
      return decodeRows(spec, table.length, (r) => table[r]?.[col], budget);
    });
  }
  const [only] = inputs;
  if (only && inputs.length === 1) return [decodeRows(only, list.length, (r) => list[r], budget)];
  const widths = inputs.map(columnWidth);
  const total = widths.reduce((a, b) => a + b, 0);
  if (names && names.length !== total) {
    throw new ShapeMismatchError(
      `${what}: ${names.length} columns given; the model's inputs take ${total} (${describeSpecs(inputs)})`,
    );
  }
  checkRowArrays(list, total, what);
  let offset = 0;
  return inputs.map((spec, i) => {
    const tensor = decodeColumns(spec, list, offset, names, budget);
    offset += widths[i] ?? 0;
    return tensor;
  });
}

/**
 * Decodes records (`[{column: value}]`, also TF-serving `instances` objects). Keys that name the
 * inputs map by name; otherwise the first record's key order gives positional columns (every
 * record must have those keys).
 */
export function decodeRecords(
  records: readonly unknown[],
  signature: ModelSignature,
  budget: ElementBudget,
  what: string,
): NamedTensor[] {
  records.forEach((rec, r) => {
    if (!isRecord(rec)) throw new InvalidInputError(`${what}: record ${r} must be an object keyed by column name`);
  });
  const recs = records as Array<Record<string, unknown>>;
  const keys = Object.keys(recs[0] ?? {});
  if (recs.length > 0 && namesInputs(keys, signature.inputs, what)) {
    return signature.inputs.map((spec) =>
      decodeRows(
        spec,
        recs.length,
        (r) => {
          const value = recs[r]?.[spec.name];
          if (value === undefined)
            throw new InvalidInputError(`${what}: record ${r} has no value for input '${spec.name}'`);
          return value;
        },
        budget,
      ),
    );
  }
  // Positional: materialize rows in the first record's key order (records are per-row objects anyway).
  const rows = recs.map((rec, r) =>
    keys.map((k) => {
      if (!(k in rec))
        throw new InvalidInputError(`${what}: record ${r} has no column '${k}' (record 0 has ${keys.join(', ')})`);
      return rec[k];
    }),
  );
  return decodeTable(recs.length > 0 ? keys : undefined, rows, signature, budget, what);
}
