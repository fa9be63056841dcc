/**
 * Turns one cell of an input file into the JSON-style value the scoring codecs' element writers take
 * (`elementWriter` in `scoring/codecs`), so batch rows follow the same value rules as real-time
 * requests. CSV cells are text: numbers are parsed, an empty float cell is NaN (as pandas reads it),
 * booleans are `true`/`false`/`1`/`0`, 64-bit integers stay decimal strings so no digit is lost.
 * The CSV text rules are those of shared/portable/csv.ts. JSONL and Parquet cells are already typed;
 * Parquet's bigints become decimal strings or numbers.
 */
import type { OipDatatype } from '../scoring/datatypes';
import { isIntegerText } from './csvText';

/** Returned when a cell cannot be a value of the type at all. */
export const INVALID = Symbol('invalid cell');
export type CellConverter = (cell: unknown) => unknown;

const FLOATS = new Set<OipDatatype>(['FP16', 'FP32', 'FP64']);
const NAN_TEXT = /^\s*nan\s*$/i;

function textFloat(cell: unknown): unknown {
  const text = cell as string;
  const n = Number(text);
  if (n === n) return n === 0 && text.trim() === '' ? NaN : n;
  return NAN_TEXT.test(text) ? NaN : INVALID;
}

/** The converter for text cells (CSV) of an input of `datatype`. */
export function textCell(datatype: OipDatatype): CellConverter {
  if (FLOATS.has(datatype)) return textFloat;
  switch (datatype) {
    case 'BYTES':
      return (cell) => cell;
    case 'BOOL':
      return (cell) => {
        const t = (cell as string).trim().toLowerCase();
        return t === 'true' || t === '1' ? true : t === 'false' || t === '0' ? false : INVALID;
      };
    case 'INT64':
    case 'UINT64':
      return (cell) => (isIntegerText(cell as string) ? (cell as string).trim().replace(/^\+/, '') : INVALID);
    default:
      return (cell) => (isIntegerText(cell as string) ? Number(cell) : INVALID);
  }
}

/** The converter for typed cells (JSONL values, Parquet values) of an input of `datatype`. */
export function jsonCell(datatype: OipDatatype): CellConverter {
  const big = datatype === 'INT64' || datatype === 'UINT64';
  return (cell) => {
    if (typeof cell === 'bigint') return big ? cell.toString() : Number(cell);
    if (cell instanceof Date) return datatype === 'BYTES' ? cell.toISOString() : INVALID;
    return cell === undefined ? INVALID : cell;
  };
}

/** A short rendering of a bad cell for messages. */
export function previewCell(cell: unknown): string {
  const text =
    typeof cell === 'string'
      ? JSON.stringify(cell)
      : typeof cell === 'bigint'
        ? cell.toString()
        : (JSON.stringify(cell) ?? String(cell));
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
