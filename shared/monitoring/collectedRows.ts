/**
 * Tensors as the rows a collected line holds: one object per row (first dimension), keyed by tensor
 * name. A `[N]` or `[N, 1]` tensor gives one column named after the tensor; a `[N, k]` tensor gives
 * `k` columns, named by the request's own `columns` when it sent a table that wide, else `<tensor>_<i>`
 * (as batch outputs name vector values). Higher ranks keep each row's values as one array.
 *
 * @example tensorRows([{ name: 'x', datatype: 'FP32', shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) }])
 *   // → [{ x_0: 1, x_1: 2 }, { x_0: 3, x_1: 4 }]
 */
import { fromFloat16Bits } from '../scoring/codecs/float16';
import type { NamedTensor } from '../scoring/datatypes';

export type CellValue = number | string | boolean | null | CellValue[];
export type Row = Record<string, CellValue>;

/** Widest `[N, k]` tensor still spread into columns; wider rows (embeddings, images) stay arrays. */
const MAX_SPREAD = 256;

function cell(t: NamedTensor, i: number): CellValue {
  const v = t.data[i];
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') return v;
  if (v === undefined) return null;
  if (t.datatype === 'BOOL') return v !== 0;
  if (t.datatype === 'FP16') return fromFloat16Bits(v);
  return Number.isFinite(v) ? v : null;
}

function rowCount(tensors: readonly NamedTensor[]): number {
  const first = tensors[0];
  if (!first) return 0;
  return first.shape.length === 0 ? 1 : (first.shape[0] ?? 0);
}

/** Column names of a `[N, k]` tensor: the request's when it named exactly `k` columns. */
function columnNames(t: NamedTensor, width: number, requestColumns: readonly string[] | undefined): string[] {
  if (requestColumns?.length === width) return [...requestColumns];
  return Array.from({ length: width }, (_, j) => `${t.name}_${j}`);
}

export function tensorRows(tensors: readonly NamedTensor[], requestColumns?: readonly string[]): Row[] {
  const n = rowCount(tensors);
  const rows: Row[] = Array.from({ length: n }, () => ({}));
  const spreadOne = tensors.length === 1 ? requestColumns : undefined;
  for (const t of tensors) {
    const perRow = n > 0 ? t.data.length / n : 0;
    const rank = t.shape.length;
    if (rank <= 1 || (rank === 2 && perRow === 1)) {
      for (let r = 0; r < n; r++) rows[r]![t.name] = cell(t, r);
    } else if (rank === 2 && perRow <= MAX_SPREAD) {
      const names = columnNames(t, perRow, spreadOne);
      for (let r = 0; r < n; r++) for (let j = 0; j < perRow; j++) rows[r]![names[j]!] = cell(t, r * perRow + j);
    } else {
      for (let r = 0; r < n; r++) rows[r]![t.name] = Array.from({ length: perRow }, (_, j) => cell(t, r * perRow + j));
    }
  }
  return rows;
}

/** The same rows as {@link tensorRows}, written straight to JSON text (no row objects: this runs for every collected request). */
export function tensorRowsJson(tensors: readonly NamedTensor[], requestColumns?: readonly string[]): string {
  const n = rowCount(tensors);
  const spreadOne = tensors.length === 1 ? requestColumns : undefined;
  const plans = tensors.map((t) => {
    const perRow = n > 0 ? t.data.length / n : 0;
    const rank = t.shape.length;
    if (rank <= 1 || (rank === 2 && perRow === 1)) return { t, perRow: 1, keys: [keyText(t.name)], spread: true };
    if (rank === 2 && perRow <= MAX_SPREAD) return { t, perRow, keys: columnKeys(t, perRow, spreadOne), spread: true };
    return { t, perRow, keys: [keyText(t.name)], spread: false };
  });
  const rows: string[] = new Array<string>(n);
  for (let r = 0; r < n; r++) {
    const parts: string[] = [];
    for (const { t, perRow, keys, spread } of plans) {
      if (spread) for (let j = 0; j < perRow; j++) parts.push(keys[j]! + cellText(cell(t, r * perRow + j)));
      else parts.push(keys[0]! + JSON.stringify(Array.from({ length: perRow }, (_, j) => cell(t, r * perRow + j))));
    }
    rows[r] = `{${parts.join(',')}}`;
  }
  return `[${rows.join(',')}]`;
}

const keyText = (name: string) => `${JSON.stringify(name)}:`;

/** `"name":` prefixes of a spread tensor's columns, kept per tensor and width (the same for every request). */
const keyCache = new Map<string, string[]>();
const MAX_CACHED_KEYS = 256;

function columnKeys(t: NamedTensor, width: number, requestColumns: readonly string[] | undefined): string[] {
  const id =
    requestColumns?.length === width ? `c\u0000${requestColumns.join('\u0000')}` : `t\u0000${t.name}\u0000${width}`;
  let keys = keyCache.get(id);
  if (!keys) {
    keys = columnNames(t, width, requestColumns).map(keyText);
    if (keyCache.size >= MAX_CACHED_KEYS) keyCache.clear();
    keyCache.set(id, keys);
  }
  return keys;
}
const cellText = (value: CellValue) => (typeof value === 'number' ? String(value) : JSON.stringify(value));

/** The `columns` of an Azure ML split-orientation body (`input_data`, `dataframe_split`), if it has them. */
export function requestColumns(body: unknown): string[] | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const split = record.input_data ?? record.dataframe_split;
  if (typeof split !== 'object' || split === null) return undefined;
  const columns = (split as Record<string, unknown>).columns;
  return Array.isArray(columns) && columns.every((c) => typeof c === 'string') ? columns : undefined;
}
