/**
 * CSV text → `{columns, data}`: the first row names the columns, each further row is one input row.
 * RFC 4180 quoting (`"a,b"`, `""` for a quote); numbers become numbers, `true`/`false` booleans, an
 * empty field `null`, anything else stays a string.
 *
 * @example
 *   parseCsv('a,b\n1,x\n'); // { columns: ['a', 'b'], data: [[1, 'x']] }
 */
import { UsageError } from './cliErrors';

export type CsvValue = number | string | boolean | null;

export interface CsvTable {
  columns: string[];
  data: CsvValue[][];
}

/** Splits CSV text into rows of raw fields. */
export function csvFields(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  const endRow = () => {
    endField();
    rows.push(row);
    row = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') endField();
    else if (c === '\n') endRow();
    else if (c === '\r') {
      if (text[i + 1] === '\n') i++;
      endRow();
    } else field += c;
  }
  if (quoted) throw new UsageError('the CSV ends inside a quoted field (a " is not closed).');
  if (field !== '' || row.length) endRow();
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

function toValue(text: string): CsvValue {
  const t = text.trim();
  if (t === '') return null;
  if (NUMBER.test(t)) return Number(t);
  if (t === 'true' || t === 'false') return t === 'true';
  return text;
}

/** Parses CSV with a header row; every row must have as many fields as the header. */
export function parseCsv(text: string): CsvTable {
  const [header, ...rows] = csvFields(text);
  if (!header) throw new UsageError('the CSV is empty: give a header row naming the columns, then one row per input.');
  if (rows.length === 0) throw new UsageError('the CSV has a header but no data rows.');
  const columns = header.map((h) => h.trim());
  const data = rows.map((row, i) => {
    if (row.length !== columns.length) throw new UsageError(`CSV row ${i + 1} has ${row.length} fields; the header has ${columns.length}.`);
    return row.map(toValue);
  });
  return { columns, data };
}
