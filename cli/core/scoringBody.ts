/**
 * Turns `--data` input into a scoring request: JSON is sent as given; CSV becomes Azure ML's
 * `{"input_data": {"columns", "data"}}`, or for the Open Inference Protocol one tensor per model
 * input (named columns) or one `[rows, columns]` tensor for a single-input model.
 */
import { UsageError } from './cliErrors';
import { isIntegerText } from '../../shared/portable/csv';
import { parseCsv, type CsvTable, type CsvValue } from './csvRows';

export type DataFormat = 'json' | 'csv';

/** The format from `--format`, else the file extension, else the first character. */
export function dataFormat(file: string, text: string, given?: DataFormat): DataFormat {
  if (given) return given;
  if (/\.csv$/i.test(file)) return 'csv';
  if (/\.json$/i.test(file)) return 'json';
  return /^\s*[{[]/.test(text) ? 'json' : 'csv';
}

/** Parses a JSON body; a syntax error is a usage error naming the input. */
export function parseJsonInput(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${file === '-' ? 'stdin' : file} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Azure ML body for CSV rows. */
export function azureMlBody(csv: CsvTable): unknown {
  return { input_data: { columns: csv.columns, data: csv.data } };
}

/** A tensor as OIP metadata describes it. */
export interface OipTensorMeta {
  name: string;
  datatype: string;
  shape: number[];
}

const FLOATS = new Set(['FP16', 'FP32', 'FP64']);
const WIDE_INTEGERS = new Set(['INT64', 'UINT64']);

function cast(value: CsvValue, datatype: string, where: string): unknown {
  if (datatype === 'BYTES') return value === null ? '' : String(value);
  if (datatype === 'BOOL') {
    if (typeof value === 'boolean') return value;
    if (value === 0 || value === 1) return value === 1;
    throw new UsageError(`${where}: '${String(value)}' is not a boolean (true/false/0/1).`);
  }
  // The empty-cell and 64-bit rules of shared/portable/csv.ts: NaN in a float input, digits kept as text.
  if (value === null && FLOATS.has(datatype)) return 'NaN';
  if (typeof value === 'string' && WIDE_INTEGERS.has(datatype) && isIntegerText(value)) return value;
  if (typeof value !== 'number')
    throw new UsageError(`${where}: '${String(value)}' is not a number (the input is ${datatype}).`);
  return value;
}

/**
 * OIP inference body for CSV rows. When every column names a model input, each column is that input
 * (`[rows]` or `[rows, 1]` by the input's rank); otherwise a single-input model gets the whole table.
 */
export function oipBodyFromCsv(csv: CsvTable, inputs: readonly OipTensorMeta[]): unknown {
  const byName = new Map(inputs.map((i) => [i.name, i]));
  const rows = csv.data.length;
  if (inputs.length > 0 && csv.columns.every((c) => byName.has(c))) {
    return {
      inputs: csv.columns.map((column, j) => {
        const meta = byName.get(column)!;
        const data = csv.data.map((row, i) => cast(row[j] ?? null, meta.datatype, `row ${i + 1}, column ${column}`));
        return { name: column, datatype: meta.datatype, shape: meta.shape.length >= 2 ? [rows, 1] : [rows], data };
      }),
    };
  }
  if (inputs.length !== 1) {
    throw new UsageError(
      `the model has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}); name the CSV columns after them, or send OIP JSON.`,
    );
  }
  const input = inputs[0]!;
  const data = csv.data.flatMap((row, i) =>
    row.map((v, j) => cast(v, input.datatype, `row ${i + 1}, column ${csv.columns[j]}`)),
  );
  return { inputs: [{ name: input.name, datatype: input.datatype, shape: [rows, csv.columns.length], data }] };
}

export { parseCsv };
