/** How a CSV/JSONL file is cut into mini-batches by rows: exact for small files, by bytes for large ones. */
import { fileRanges } from '../../../shared/batch/jobPlanner';

describe('fileRanges', () => {
  it('cuts a file whose line starts are known into ranges of exactly N lines', () => {
    // header (10 bytes) then 5 lines of 4 bytes: starts at 10, 14, 18, 22, 26; size 30
    const ranges = fileRanges(3, 30, { dataStart: 10, bytesPerLine: 4, lineStarts: [10, 14, 18, 22, 26] }, 2);
    expect(ranges).toEqual([
      { kind: 'lines', file: 3, start: 10, end: 18, midFile: false },
      { kind: 'lines', file: 3, start: 18, end: 26, midFile: true },
      { kind: 'lines', file: 3, start: 26, end: 30, midFile: true },
    ]);
  });

  it('cuts a large file into byte ranges of about N mean lines that cover it without gaps', () => {
    const ranges = fileRanges(0, 1000, { dataStart: 0, bytesPerLine: 9.6 }, 10);
    expect(ranges[0]).toEqual({ kind: 'lines', file: 0, start: 0, end: 96, midFile: false });
    expect(ranges.every((r, i) => i === 0 || (r.kind === 'lines' && ranges[i - 1]!.kind === 'lines' && r.start === (ranges[i - 1] as { end: number }).end))).toBe(true);
    expect(ranges.at(-1)).toMatchObject({ end: 1000 });
  });

  it('gives an empty data region no ranges', () => {
    expect(fileRanges(0, 10, { dataStart: 10, bytesPerLine: 1, lineStarts: [] }, 5)).toEqual([]);
  });
});
