import { compilePathGlob } from '../../../shared/schedules/pathGlob';
import { refusalOf } from '../../support/thrown';

describe('compilePathGlob', () => {
  it.each([
    ['incoming/**/*.csv', 'incoming/a.csv', true],
    ['incoming/**/*.csv', 'incoming/2024/06/a.csv', true],
    ['incoming/**/*.csv', 'incoming/a.json', false],
    ['incoming/**/*.csv', 'other/incoming/a.csv', false],
    ['incoming/*.csv', 'incoming/sub/a.csv', false],
    ['incoming/*.csv', 'incoming/.csv', true],
    ['in/day-??.csv', 'in/day-07.csv', true],
    ['in/day-??.csv', 'in/day-7.csv', false],
    ['in/[ab]*.csv', 'in/b1.csv', true],
    ['in/[!ab]*.csv', 'in/b1.csv', false],
    ['in/[a-c]x', 'in/bx', true],
    ['in/*.{csv,jsonl}', 'in/a.jsonl', true],
    ['in/*.{csv,jsonl}', 'in/a.json', false],
    ['**/*.csv', 'a.csv', true],
    ['**/*.csv', 'x/y/a.csv', true],
    ['data/file(1).csv', 'data/file(1).csv', true],
    ['data/a+b.csv', 'data/aab.csv', false],
    ['CaSe/*.csv', 'case/a.csv', false],
  ])('%s matches %s: %s', (pattern, path, expected) => {
    expect(compilePathGlob(pattern).matches(path)).toBe(expected);
  });

  it('lists under the literal folder before the first wildcard', () => {
    expect(compilePathGlob('incoming/2024-*/x/*.csv').prefix).toBe('incoming/');
    expect(compilePathGlob('*.csv').prefix).toBe('');
    expect(compilePathGlob('in/exact.csv').prefix).toBe('in/exact.csv');
  });

  it.each([
    ['', /empty/],
    ['/incoming/*.csv', /leading '\/'/],
    ['incoming/', /names a folder/],
    ['incoming//a.csv', /empty folder/],
    ['incoming/../a.csv', /'\.\.'/],
    ['incoming/**', /ends with '\*\*'/],
    ['incoming/a**.csv', /whole path segment/],
    ['incoming/[abc.csv', /never closed with '\]'/],
    ['incoming/{csv.csv', /never closed with '\}'/],
    ['incoming/*.{csv}', /at least two/],
    ['incoming/a].csv', /no opening/],
    ['in\\a.csv', /backslashes/],
  ])('refuses %j with the reason', (pattern, reason) => {
    expect(() => compilePathGlob(pattern)).toThrow(reason);
    expect(refusalOf(() => compilePathGlob(pattern)).status).toBe(400);
  });
});
