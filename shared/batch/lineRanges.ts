/**
 * Cuts the data of a CSV/JSONL file into mini-batches of exactly `rowsPerMiniBatch` lines. It is fed
 * the file's bytes in order (the planner reads each text file once, in chunks) and counts line ends,
 * so every range knows the byte where it starts and the data row of its first line: mini-batches
 * write final row numbers and the merge copies nothing. Every `\n` ends a line (CSV fields may not
 * span lines); a last line without one counts too.
 *
 * @example
 *   const cutter = new LineRangeCutter(0, headerEnd, 1000);
 *   for (const { chunk, offset } of chunks) cutter.feed(chunk, offset);
 *   const ranges = cutter.finish(size);
 */
import type { MiniBatch } from './jobContext';

export class LineRangeCutter {
  private readonly ranges: MiniBatch[] = [];
  private rangeStart: number;
  private lines = 0;
  private firstRow = 1;
  /** The byte after the last line end seen. */
  private lineEnd: number;

  /** `file`: the file's index; `dataStart`: where its data begins (after a CSV header). */
  constructor(
    private readonly file: number,
    private readonly dataStart: number,
    private readonly rowsPerMiniBatch: number,
  ) {
    this.rangeStart = dataStart;
    this.lineEnd = dataStart;
  }

  /** Takes the file's bytes from `offset` on (each chunk continues the one before). */
  feed(chunk: Uint8Array, offset: number): void {
    const from = Math.max(0, this.dataStart - offset);
    const per = this.rowsPerMiniBatch;
    let lines = this.lines;
    for (let nl = chunk.indexOf(10, from); nl >= 0; nl = chunk.indexOf(10, nl + 1)) {
      if (++lines === per) {
        this.lines = lines;
        this.close(offset + nl + 1);
        lines = 0;
      }
    }
    this.lines = lines;
    const last = chunk.lastIndexOf(10);
    if (last >= from) this.lineEnd = offset + last + 1;
  }

  /** The ranges, once every byte up to `size` was fed. */
  finish(size: number): MiniBatch[] {
    if (this.lineEnd < size && this.rangeStart < size) this.lines++;
    if (this.lines > 0) this.close(size);
    return this.ranges;
  }

  private close(end: number): void {
    this.ranges.push({
      kind: 'lines',
      file: this.file,
      start: this.rangeStart,
      end,
      midFile: this.rangeStart > this.dataStart,
      firstRow: this.firstRow,
      rows: this.lines,
    });
    this.firstRow += this.lines;
    this.rangeStart = end;
    this.lines = 0;
  }
}
