import { compilePathGlob } from '../../../shared/schedules/pathGlob';
import { globRows } from '../../support/globCases';
import { refusalOf } from '../../support/refusal';

describe('compilePathGlob', () => {
  it.each(
    globRows([
      ['incoming/**/*.csv', ['incoming/a.csv', 'incoming/2024/06/a.csv'], ['incoming/a.json', 'other/incoming/a.csv']],
      ['incoming/*.csv', ['incoming/.csv'], ['incoming/sub/a.csv']],
      ['in/day-??.csv', ['in/day-07.csv'], ['in/day-7.csv']],
      ['in/[ab]*.csv', ['in/b1.csv'], []],
      ['in/[!ab]*.csv', [], ['in/b1.csv']],
      ['in/[a-c]x', ['in/bx'], []],
      ['in/*.{csv,jsonl}', ['in/a.jsonl'], ['in/a.json']],
      ['**/*.csv', ['a.csv', 'x/y/a.csv'], []],
      ['data/file(1).csv', ['data/file(1).csv'], []],
      ['data/a+b.csv', [], ['data/aab.csv']],
      ['CaSe/*.csv', [], ['case/a.csv']],
    ]),
  )('%s matches %s: %s', (pattern, path, expected) => {
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
