/**
 * Indexes one byte range (segment) of a CSV/JSONL file: finds the lines that start inside it (a line
 * belongs to the segment holding its first byte, so neighbours never share one) and cuts them into
 * mini-batches of `rowsPerMiniBatch` lines. Only the segment (and the tail of its last line) is read.
 *
 * @example const { rows, cuts } = await indexSegment(blob, size, { start: 0, end: 32 << 20 }, true, 1000);
 */
import type { BlobClient } from '@azure/storage-blob';
import { CHUNK_BYTES } from './lineChunks';
import type { LineIndex } from './jobContext';
import { readRange } from './jobStorage';

class ByteWindow {
  private buf: Buffer = Buffer.alloc(0);
  private bufStart = 0;

  constructor(
    private readonly blob: BlobClient,
    private readonly size: number,
  ) {}

  /** Position of the first `\n` at or after `from`, or -1 when the file ends first. */
  async newlineFrom(from: number): Promise<number> {
    for (;;) {
      const rel = from - this.bufStart;
      if (rel >= 0 && rel < this.buf.length) {
        const nl = this.buf.indexOf(10, rel);
        if (nl >= 0) return this.bufStart + nl;
      }
      const bufEnd = this.bufStart + this.buf.length;
      if (bufEnd >= this.size && rel >= 0) return -1;
      await this.load(from);
    }
  }

  /** Keeps the bytes from `from` on and appends the next chunk. */
  private async load(from: number): Promise<void> {
    const bufEnd = this.bufStart + this.buf.length;
    const keepFrom = from - this.bufStart;
    const base = keepFrom >= 0 && keepFrom <= this.buf.length ? this.buf.subarray(keepFrom) : Buffer.alloc(0);
    const readFrom = base.length ? bufEnd : from;
    const next = await readRange(this.blob, readFrom, Math.min(this.size, readFrom + CHUNK_BYTES));
    this.buf = base.length ? Buffer.concat([base, next]) : next;
    this.bufStart = from;
  }

  /** The next row start after `p` given its line end `nl` (-1: the line runs to the end of the file). */
  nextRow(nl: number): number {
    return nl < 0 ? this.size : nl + 1;
  }
}

/**
 * Rows starting in `[segment.start, segment.end)` and the byte offsets of mini-batch starts (plus the
 * end of the last row). `skipHeader`: the segment starts the file and its first line is a CSV header.
 */
export async function indexSegment(blob: BlobClient, size: number, segment: { start: number; end: number }, skipHeader: boolean, rowsPerMiniBatch: number): Promise<LineIndex> {
  const window = new ByteWindow(blob, size);
  let p = segment.start;
  if (segment.start > 0) p = window.nextRow(await window.newlineFrom(segment.start - 1));
  else if (skipHeader) p = window.nextRow(await window.newlineFrom(0));
  const cuts: number[] = [];
  let rows = 0;
  while (p < segment.end && p < size) {
    if (rows % rowsPerMiniBatch === 0) cuts.push(p);
    rows++;
    p = window.nextRow(await window.newlineFrom(p));
  }
  if (rows > 0) cuts.push(p);
  return { rows, cuts };
}
