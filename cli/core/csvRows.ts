/**
 * CSV text → `{columns, data}` for `sibyl score --data FILE.csv`: the first record names the columns,
 * each further record is one input row. Records and cells follow shared/portable/csv.ts (the rules
 * batch scoring reads files with): an empty cell is `null`, an integer beyond ±2^53 a decimal string.
 *
 * @example
 *   parseCsv('a,b\n1,x\n'); // { columns: ['a', 'b'], data: [[1, 'x']] }
 */
import { CsvError, csvRecords, readCsvCell, type CsvValue } from '../../shared/portable/csv';
import { UsageError } from './cliErrors';

export type { CsvValue };

export interface CsvTable {
  columns: string[];
  data: CsvValue[][];
}

/** Parses CSV with a header row; every row must have as many fields as the header. */
export function parseCsv(text: string): CsvTable {
  let records;
  try {
    records = csvRecords(text);
  } catch (error) {
    if (error instanceof CsvError) throw new UsageError(error.message);
    throw error;
  }
  const [header, ...rows] = records;
  if (!header) throw new UsageError('the CSV is empty: give a header row naming the columns, then one row per input.');
  if (rows.length === 0) throw new UsageError('the CSV has a header but no data rows.');
  const columns = header.fields.map((h) => h.trim());
  const data = rows.map(({ fields }, i) => {
    if (fields.length !== columns.length)
      throw new UsageError(`CSV row ${i + 1} has ${fields.length} fields; the header has ${columns.length}.`);
    return fields.map(readCsvCell);
  });
  return { columns, data };
}
