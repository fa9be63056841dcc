/**
 * CSV lines scored from bytes: numbers go straight into the float input, anything unusual takes the
 * general cell reader, and both give the same rows, failures and output text.
 */
import { bindColumns } from '../../../shared/batch/columnLayout';
import { float32Text } from '../../../shared/batch/floatText';
import { RowScorer, type BatchSession } from '../../../shared/batch/rowScorer';
import type { ModelSignature, NamedTensor } from '../../../shared/scoring/datatypes';

const signature: ModelSignature = {
  inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 3] }],
  outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 1] }],
};

/** Sums each row's three values (NaN stays NaN), so the output shows what was read. */
const session: BatchSession = {
  signature,
  run(feeds: readonly NamedTensor[]): Promise<NamedTensor[]> {
    const x = feeds[0]!.data as Float32Array;
    const rows = x.length / 3;
    const y = new Float32Array(rows);
    for (let r = 0; r < rows; r++) y[r] = x[r * 3]! + x[r * 3 + 1]! + x[r * 3 + 2]!;
    return Promise.resolve([{ name: 'y', datatype: 'FP32', shape: [rows, 1], data: y }]);
  },
};

/** The FP32 sum the fake session computes, as the output prints it. */
function sum3(a: number, b: number, c: number): string {
  const y = new Float32Array(1);
  y[0] = Math.fround(a) + Math.fround(b) + Math.fround(c);
  return float32Text(y[0]);
}

async function score(lines: string[]) {
  const layout = bindColumns(['x_0', 'x_1', 'x_2'], 3, signature, 'in.csv');
  const scorer = new RowScorer(session, 4);
  const source = { file: 'in,1.csv', lineOffset: 1 };
  const bytes = Buffer.from(lines.join('\n'));
  let at = 0;
  for (let i = 0; i < lines.length; i++) {
    const end = at + Buffer.byteLength(lines[i]!);
    if (scorer.addCsvLine(bytes, at, end, layout, source, 10 + i)) await scorer.flush();
    at = end + 1;
  }
  return scorer.finish();
}

describe('RowScorer.addCsvLine', () => {
  it('reads plain numbers from bytes and the rest the general way, with the same values', async () => {
    const result = await score([
      '1,2,3',
      '1.5,-2,3e2',
      ' 1 ,2,3',
      ',2,3',
      'NaN,1,2',
      '"4",5,6',
      '0.1,0.2,0.3',
      '-0,0,0',
      '-2.0324999999999998,1.8275000000000001,0.20000000000000001',
    ]);
    expect(result.rows).toBe(9);
    expect(result.failedRows).toBe(0);
    expect(result.body.toString()).toBe(
      [
        '"in,1.csv",10,6',
        '"in,1.csv",11,299.5',
        '"in,1.csv",12,6',
        '"in,1.csv",13,NaN',
        '"in,1.csv",14,NaN',
        '"in,1.csv",15,15',
        '"in,1.csv",16,0.6',
        '"in,1.csv",17,0',
        `"in,1.csv",18,${sum3(-2.0324999999999998, 1.8275000000000001, 0.20000000000000001)}`,
        '',
      ].join('\n'),
    );
  });

  it('counts bad lines with their line numbers and keeps scoring the others', async () => {
    const result = await score(['1,2', 'a,b,c', '1,2,3,4', '"1,2,3', '7,8,9']);
    expect(result.rows).toBe(1);
    expect(result.failedRows).toBe(4);
    expect(result.samples.map((s) => s.line)).toEqual([11, 12, 13, 14]);
    expect(result.samples[0]!.message).toMatch(/expected 3 values, got 2/);
    expect(result.body.toString()).toBe('"in,1.csv",14,24\n');
  });
});
