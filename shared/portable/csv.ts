/**
 * Reading CSV, written once for batch scoring (shared/batch) and `sibyl score --data FILE.csv`.
 *
 * Records:
 * - One record per line, LF or CRLF; blank lines are skipped and a leading byte-order mark dropped.
 * - RFC 4180 quoting within a line (`"a,b"`, `"say ""hi"""`); a quoted field may not span lines, so
 *   batch files can be split at any line end, and a quote inside an unquoted field is refused.
 *
 * Cells without a declared datatype (`readCsvCell`, the CLI's Azure ML and OIP bodies):
 * - An empty cell is `null`: the JSON codecs read null as NaN in float inputs, as pandas reads a missing
 *   value and as batch scoring reads an empty float cell.
 * - An integer beyond ±2^53 stays a decimal string, which INT64 inputs accept, so no digit is lost
 *   (the rule batch scoring applies to INT64 cells).
 * - Other numbers become numbers, `true`/`false` booleans, anything else the text as written.
 * Cells of a declared datatype are read by shared/batch/cellValues.ts with the same empty-cell and
 * integer rules.
 *
 * Pure: no Node or server imports, so the CLI and the dashboard import it as it is.
 *
 * @example parseCsvLine('1,"a,b",3') // ['1', 'a,b', '3']
 * @example csvRecords('a,b\r\n1,"x"\n') // [{ line: 1, fields: ['a', 'b'] }, { line: 2, fields: ['1', 'x'] }]
 */

/** The fields of one line (without its line end); throws a reason for malformed quoting. */
export function parseCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) throw new Error('a quoted field is not closed (fields may not span lines)');
        value += line.slice(j, q);
        if (line[q + 1] === '"') {
          value += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      fields.push(value);
      if (i === line.length) return fields;
      if (line[i] !== ',') throw new Error(`unexpected character after a quoted field at column ${i + 1}`);
      i++;
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? line.length : comma;
      const value = line.slice(i, end);
      if (value.includes('"')) throw new Error(`a quote inside an unquoted field at column ${i + 1}`);
      fields.push(value);
      if (comma < 0) return fields;
      i = comma + 1;
    }
  }
}

const NEEDS_QUOTES = /[",\r\n]/;

/** A CSV field: quoted when it holds a comma, quote or line break. */
export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Drops one trailing `\r` (CRLF files). */
export function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** One record of a CSV text and the line it is on (from 1). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** Every record of a CSV text; throws `CsvError` naming the line of malformed quoting. */
export function csvRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .forEach((raw, i) => {
      const line = stripCr(raw);
      if (line === '') return;
      try {
        records.push({ line: i + 1, fields: parseCsvLine(line) });
      } catch (error) {
        throw new CsvError(`CSV line ${i + 1}: ${(error as Error).message}`);
      }
    });
  return records;
}

/** Malformed CSV text. */
export class CsvError extends Error {
  override readonly name = 'CsvError';
}

export type CsvValue = number | string | boolean | null;

const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const INTEGER = /^[-+]?\d+$/;

/** Whether `text` is a whole number (surrounding spaces allowed), as INT64 cells are written. */
export function isIntegerText(text: string): boolean {
  return INTEGER.test(text.trim());
}

/** A cell read without a declared datatype (see the module comment). */
export function readCsvCell(text: string): CsvValue {
  const t = text.trim();
  if (t === '') return null;
  if (INTEGER.test(t) && !Number.isSafeInteger(Number(t))) return t.replace(/^\+/, '');
  if (NUMBER.test(t)) return Number(t);
  if (t === 'true' || t === 'false') return t === 'true';
  return text;
}
