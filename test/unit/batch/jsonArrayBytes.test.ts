/** Flat JSON arrays of numbers read from bytes: what JSON.parse reads, or -1 for the general path. */
import { readJsonNumbers } from '../../../shared/batch/jsonArrayBytes';

function read(line: string): number[] | -1 {
  const bytes = Buffer.from(`x${line}y`);
  const values = new Float64Array(8);
  const count = readJsonNumbers(bytes, 1, 1 + Buffer.byteLength(line), values);
  return count < 0 ? -1 : Array.from(values.subarray(0, count));
}

describe('readJsonNumbers', () => {
  it('reads flat arrays of JSON numbers as JSON.parse does', () => {
    for (const line of [
      '[1,2,3]',
      ' [ 0.5 , -1 , 2e-3 ]\r',
      '[0]',
      '[-0.0, 1E+2, 123.456e1]',
      '[1.25]  ',
      '[-2.0324999999999998, 1.8275000000000001, 1e400]',
    ]) {
      expect(read(line)).toEqual(JSON.parse(line));
    }
  });

  it('leaves everything JSON.parse would refuse or read differently to the general path', () => {
    for (const line of [
      '[]',
      '[[1,2]]',
      '[1,"2"]',
      '[null]',
      '[1,]',
      '[,1]',
      '[01]',
      '[.5]',
      '[5.]',
      '[+1]',
      '[1e]',
      '[1 2]',
      '[1] x',
      '{"a":1}',
      '1',
      '[NaN]',
      '[1,2,3,4,5,6,7,8,9]',
    ]) {
      expect(read(line)).toBe(-1);
    }
  });
});
