/**
 * Rows of a baseline or collected file, streamed in chunks (ranged downloads) so no file is held whole.
 * CSV: a header row, then one row per line; a cell that reads as a finite number is a number, an empty
 * one missing. JSON lines: a collected line (`{"time", "data": [rows]}`, kept when `keepTime` accepts
 * its time) or a plain row object per line. Lines that do not parse are counted, not fatal.
 *
 * @example const { rows, skipped } = await forEachRow(blob, size, 'jsonl', (row) => sketches.add(row));
 */
import type { BlobClient } from '@azure/storage-blob';
import { parseCsvLine, stripCr } from '../batch/csvText';
import { rangeLines } from '../batch/rangeLines';
import type { CellValue, Row } from './collectedRows';

export type RowFormat = 'csv' | 'jsonl';

function csvCell(text: string): CellValue {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : text;
}

const isRow = (value: unknown): value is Row => typeof value === 'object' && value !== null && !Array.isArray(value);

export async function forEachRow(
  blob: BlobClient,
  size: number,
  format: RowFormat,
  onRow: (row: Row) => void,
  keepTime: (time: string) => boolean = () => true,
): Promise<{ rows: number; skipped: number }> {
  let header: string[] | undefined;
  let rows = 0;
  let skipped = 0;
  for await (const lines of rangeLines(blob, size, 0, size, false)) {
    for (const raw of lines) {
      const line = stripCr(raw);
      if (line.trim() === '') continue;
      try {
        if (format === 'csv') {
          const cells = parseCsvLine(line);
          if (!header) {
            header = cells.map((c) => c.trim());
            continue;
          }
          const row: Row = {};
          header.forEach((name, i) => (row[name] = csvCell(cells[i] ?? '')));
          onRow(row);
          rows++;
          continue;
        }
        const value: unknown = JSON.parse(line);
        if (!isRow(value)) throw new Error('not an object');
        if (Array.isArray(value.data)) {
          if (typeof value.time === 'string' && !keepTime(value.time)) continue;
          for (const row of value.data as unknown[]) {
            if (!isRow(row)) continue;
            onRow(row);
            rows++;
          }
        } else {
          onRow(value);
          rows++;
        }
      } catch {
        skipped++;
      }
    }
  }
  return { rows, skipped };
}
