/**
 * MLflow scoring bodies addressed by the column names of a column-based MLflow signature. The ONNX
 * graph's inputs rarely carry those names (a `[-1, 4]` input `float_input` for four named columns),
 * so each form is rewritten into rows in the signature's column order, which the table rules of
 * `azureMlTable.ts` then map onto the inputs by position:
 * - `dataframe_split` / `input_data` split with `columns`: columns reordered;
 * - `dataframe_records` and `instances` of records: values picked by column;
 * - `inputs` as `{column: [values…]}`: zipped into rows.
 * A body that does not name the columns passes through unchanged.
 */
import { InvalidInputError } from '../scoringErrors';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pick(record: Record<string, unknown>, columns: readonly string[], what: string): unknown[] {
  const unknown = Object.keys(record).find((k) => !columns.includes(k));
  if (unknown !== undefined)
    throw new InvalidInputError(`${what}: unknown column '${unknown}'; the model's columns are ${columns.join(', ')}`);
  return columns.map((c) => {
    if (!(c in record)) throw new InvalidInputError(`${what}: missing column '${c}'`);
    return record[c];
  });
}

function reorderSplit(
  split: Record<string, unknown>,
  columns: readonly string[],
  what: string,
): Record<string, unknown> {
  const given = split.columns;
  if (!Array.isArray(given) || !Array.isArray(split.data) || !given.every((c) => typeof c === 'string')) return split;
  const names: string[] = given;
  const unknown = names.find((n) => !columns.includes(n));
  if (unknown !== undefined)
    throw new InvalidInputError(`${what}: unknown column '${unknown}'; the model's columns are ${columns.join(', ')}`);
  const positions = columns.map((c) => {
    const at = names.indexOf(c);
    if (at < 0) throw new InvalidInputError(`${what}: missing column '${c}'`);
    return at;
  });
  const data = split.data.map((row: unknown) => (Array.isArray(row) ? positions.map((p): unknown => row[p]) : row));
  const { columns: _dropped, ...rest } = split;
  return { ...rest, data };
}

/**
 * The body with named columns turned into rows in `columns` order; `inputNames` are the graph's
 * inputs (when the columns are those names, the body already addresses them and is left alone).
 *
 * @example orderColumns({ dataframe_records: [{ b: 2, a: 1 }] }, ['a', 'b'], ['x']) // { dataframe_split: { data: [[1, 2]] } }
 */
export function orderColumns(
  body: unknown,
  columns: readonly string[] | undefined,
  inputNames: readonly string[],
): unknown {
  if (!columns?.length || !isRecord(body)) return body;
  if (columns.length === inputNames.length && columns.every((c) => inputNames.includes(c))) return body;
  const { params: _params, ...forms } = body;
  const [form, value] = Object.entries(forms)[0] ?? [];
  if (Object.keys(forms).length !== 1) return body;
  if ((form === 'dataframe_split' || form === 'input_data') && isRecord(value))
    return { [form]: reorderSplit(value, columns, form) };
  if (
    (form === 'dataframe_records' || form === 'instances') &&
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(isRecord)
  ) {
    return { dataframe_split: { data: value.map((record, r) => pick(record, columns, `${form} record ${r}`)) } };
  }
  if (form === 'inputs' && isRecord(value) && Object.keys(value).every((k) => columns.includes(k))) {
    const series = pick(value, columns, 'inputs');
    const length = Array.isArray(series[0]) ? series[0].length : 1;
    const rows = Array.from({ length }, (_, r) => series.map((s) => (Array.isArray(s) ? (s[r] as unknown) : s)));
    return { dataframe_split: { data: rows } };
  }
  return body;
}
