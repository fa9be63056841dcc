/**
 * One CSV record per line (RFC 4180 quoting within a line: `"a,b"`, `"say ""hi"""`); fields may not
 * span lines, so files can be split at any line end. Also the escaping used when writing CSV.
 *
 * @example parseCsvLine('1,"a,b",3') // ['1', 'a,b', '3']
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
