/** How a CSV/JSONL file is cut into mini-batches by rows: exact ranges of N lines, each knowing its first row. */
import { LineRangeCutter } from '../../../shared/batch/lineRanges';
import type { MiniBatch } from '../../../shared/batch/jobContext';

function cut(text: string, dataStart: number, rows: number, chunkBytes: number): MiniBatch[] {
  const bytes = Buffer.from(text);
  const cutter = new LineRangeCutter(3, dataStart, rows);
  for (let at = 0; at < bytes.length; at += chunkBytes) cutter.feed(bytes.subarray(at, at + chunkBytes), at);
  return cutter.finish(bytes.length);
}

/** The lines of each range, read back the way `rangeLineBytes` reads them (every line starting in [start, end)). */
function linesOf(text: string, ranges: MiniBatch[]): string[][] {
  return ranges.map((r) => (r.kind === 'lines' ? text.slice(r.start, r.end).replace(/\n$/, '').split('\n') : []));
}

describe('LineRangeCutter', () => {
  const csv = 'a,b\n1,2\n3,4\n5,6\n7,8\n9,10\n';

  it('cuts the data after a header into ranges of exactly N lines with their first rows', () => {
    const ranges = cut(csv, 4, 2, 1 << 20);
    expect(ranges).toEqual([
      { kind: 'lines', file: 3, start: 4, end: 12, midFile: false, firstRow: 1, rows: 2 },
      { kind: 'lines', file: 3, start: 12, end: 20, midFile: true, firstRow: 3, rows: 2 },
      { kind: 'lines', file: 3, start: 20, end: 25, midFile: true, firstRow: 5, rows: 1 },
    ]);
    expect(linesOf(csv, ranges)).toEqual([['1,2', '3,4'], ['5,6', '7,8'], ['9,10']]);
  });

  it('finds the same ranges whatever the chunk size, and counts a last line without a line end', () => {
    const text = `${csv}11,12`;
    const whole = cut(text, 4, 3, 1 << 20);
    for (const chunk of [1, 2, 3, 5, 7]) expect(cut(text, 4, 3, chunk)).toEqual(whole);
    expect(whole.map((r) => (r.kind === 'lines' ? [r.firstRow, r.rows] : []))).toEqual([
      [1, 3],
      [4, 3],
    ]);
    expect(linesOf(text, whole)).toEqual([
      ['1,2', '3,4', '5,6'],
      ['7,8', '9,10', '11,12'],
    ]);
  });

  it('counts blank lines and CRLF lines as rows, and gives an empty data region no ranges', () => {
    const ranges = cut('x\r\n\r\n\n1\r\n', 0, 10, 2);
    expect(ranges).toEqual([{ kind: 'lines', file: 3, start: 0, end: 9, midFile: false, firstRow: 1, rows: 4 }]);
    expect(cut('a,b\n', 4, 5, 3)).toEqual([]);
  });
});
