/**
 * Predictions as a table, one line per input row: Azure ML answers (an array of per-row predictions,
 * or an object of them keyed by output name) and OIP answers (`outputs` with flat `data` and `shape`).
 * Vector outputs spread over `<name>[i]` columns. Anything else is shown as JSON.
 */
import { cellText, table } from './output';

interface Column {
  label: string;
  rows: unknown[];
}

function spread(columns: Column[]): { head: string[]; rows: unknown[][] } {
  const count = Math.max(0, ...columns.map((c) => c.rows.length));
  const head: string[] = ['row'];
  const cells: ((i: number) => unknown)[] = [];
  for (const column of columns) {
    const first = column.rows[0];
    const width =
      Array.isArray(first) && first.every((v) => !Array.isArray(v) && (v === null || typeof v !== 'object'))
        ? first.length
        : 0;
    if (width > 0 && column.rows.every((r) => Array.isArray(r) && r.length === width)) {
      for (let j = 0; j < width; j++) {
        head.push(`${column.label}[${j}]`);
        cells.push((i) => (column.rows[i] as unknown[])[j]);
      }
    } else {
      head.push(column.label);
      cells.push((i) => column.rows[i]);
    }
  }
  const rows = Array.from({ length: count }, (_, i) => [i, ...cells.map((cell) => cell(i))]);
  return { head, rows };
}

function oipColumns(outputs: unknown[]): Column[] | undefined {
  const columns: Column[] = [];
  for (const output of outputs) {
    const { name, shape, data } = (output ?? {}) as { name?: unknown; shape?: unknown; data?: unknown };
    if (typeof name !== 'string' || !Array.isArray(shape) || !Array.isArray(data)) return undefined;
    const dims = shape as number[];
    const values = data as unknown[];
    const rowCount = dims.length ? dims[0]! : 1;
    const width = dims.slice(1).reduce((a, b) => a * b, 1);
    const rows = Array.from({ length: rowCount }, (_, i) =>
      dims.length > 1 ? values.slice(i * width, (i + 1) * width) : values[i],
    );
    columns.push({ label: name, rows });
  }
  return columns;
}

/** Renders a scoring answer; `undefined` when its shape is not one of the known forms. */
export function predictionTable(answer: unknown): string | undefined {
  let columns: Column[] | undefined;
  if (Array.isArray(answer)) columns = [{ label: 'prediction', rows: answer }];
  else if (answer && typeof answer === 'object') {
    const outputs = (answer as { outputs?: unknown }).outputs;
    if (Array.isArray(outputs)) columns = oipColumns(outputs);
    else if (Object.values(answer).every(Array.isArray))
      columns = Object.entries(answer as Record<string, unknown[]>).map(([label, rows]) => ({ label, rows }));
  }
  if (!columns) return undefined;
  const { head, rows } = spread(columns);
  return table(
    head,
    rows.map((r) => r.map((v) => (typeof v === 'number' ? Number(v.toPrecision(6)) : cellText(v)))),
    '(no predictions)',
  );
}
