/**
 * What a command prints: JSON for scripts (`--output json`), tables for people (`--output table`,
 * the default). Results go to stdout; progress and errors go to stderr.
 *
 * @example
 *   printResult(ctx, models, () => table(['name', 'latest'], models.map((m) => [m.name, m.latestVersion])));
 */
import Table from 'cli-table3';

export type OutputFormat = 'json' | 'table';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['json', 'table'];

/** A cell: anything, shown as text (objects as compact JSON, absent as empty). */
export type Cell = unknown;

/** Writes a line to stdout. */
export function writeOut(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Writes a line to stderr (notes, progress, errors). */
export function writeErr(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Prints `data` as JSON, or what `render` returns as text. */
export function printResult(format: OutputFormat, data: unknown, render: () => string): void {
  writeOut(format === 'json' ? JSON.stringify(data ?? null, null, 2) : render());
}

export function cellText(value: Cell): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

function style(): { head: string[]; border: string[] } {
  // Colour only on a terminal; pipes and files get plain text.
  return { head: process.stdout.isTTY ? ['cyan'] : [], border: [] };
}

/** A table with a header row; an empty list says so instead of drawing an empty frame. */
export function table(head: readonly string[], rows: readonly (readonly Cell[])[], empty = '(none)'): string {
  if (rows.length === 0) return empty;
  const t = new Table({ head: [...head], style: style() });
  for (const row of rows) t.push(row.map(cellText));
  return t.toString();
}

/** A two-column table of one object's fields, skipping absent ones; long values wrap on a terminal. */
export function record(fields: readonly (readonly [string, Cell])[]): string {
  const width = process.stdout.isTTY ? process.stdout.columns : undefined;
  const nameWidth = Math.max(...fields.map(([name]) => name.length)) + 2;
  // Off a terminal nothing wraps, so piped output keeps every value on one line.
  const layout =
    width && width > nameWidth + 20
      ? { colWidths: [nameWidth, width - nameWidth - 3], wordWrap: true, wrapOnWordBoundary: false }
      : {};
  const t = new Table({ style: style(), ...layout });
  for (const [name, value] of fields) if (value !== undefined && value !== '') t.push({ [name]: cellText(value) });
  return t.toString();
}

/** `2024-06-01T12:00:00.000Z` → `2024-06-01 12:00:00`; anything else unchanged. */
export function shortTime(value: unknown): string {
  return typeof value === 'string' ? value.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') : cellText(value);
}

/** `{a: 1, b: 2}` → `a=1 b=2`. */
export function pairs(value: Record<string, unknown> | undefined): string {
  return Object.entries(value ?? {})
    .map(([k, v]) => `${k}=${cellText(v)}`)
    .join(' ');
}
