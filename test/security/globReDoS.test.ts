/**
 * Item 4 of the security issue: path patterns are matched in linear time. The pattern that used to
 * stall the event loop (`redos/*a*a*…a.csv` against a long run of `a`s ending in `b`) must now be
 * answered like any other, by both pattern dialects (schedule triggers and batch inputs), and matching
 * must still mean what the documented glob syntax says.
 */
import { compileGlob } from '../../shared/batch/globPattern';
import { compilePathGlob } from '../../shared/schedules/pathGlob';
import { globRows } from '../support/globCases';

const EVIL_PATTERN = `redos/${'*a'.repeat(12)}.csv`;
const EVIL_PATH = `redos/${'a'.repeat(5000)}b.csv`;

describe('glob matching cannot be made to backtrack', () => {
  it('answers the ReDoS pattern against a long non-matching path (schedule patterns)', () => {
    const glob = compilePathGlob(EVIL_PATTERN);
    expect(glob.matches(EVIL_PATH)).toBe(false);
    expect(glob.matches(`redos/${'a'.repeat(5000)}.csv`)).toBe(true);
  });

  it('answers the ReDoS pattern against a long non-matching path (batch input patterns)', () => {
    const glob = compileGlob(EVIL_PATTERN);
    expect(glob.test(EVIL_PATH)).toBe(false);
    expect(glob.test(`redos/${'a'.repeat(5000)}.csv`)).toBe(true);
    expect(compileGlob(`**${'/**'.repeat(30)}/x`).test(`${'a/'.repeat(2000)}y`)).toBe(false);
  });

  it.each(
    globRows([
      ['incoming/**/*.csv', ['incoming/a.csv', 'incoming/2024/06/a.csv'], ['incoming/2024/06/a.json']],
      ['incoming/*.csv', [], ['incoming/x/a.csv']],
      ['in/a?.{csv,jsonl}', ['in/ab.jsonl'], ['in/ab.json']],
      ['in/[a-c]x[!0-9].csv', ['in/bxz.csv'], ['in/dxz.csv', 'in/bx5.csv']],
      ['in/[]a].csv', ['in/].csv'], []],
    ]),
  )('schedule pattern %s against %s → %s', (pattern, path, expected) => {
    expect(compilePathGlob(pattern).matches(path)).toBe(expected);
  });

  it.each(
    globRows([
      ['in/**/*.csv', ['in/a.csv', 'in/x/y/a.csv'], []],
      ['in/**', ['in/x/y/a.csv'], []],
      ['in/*.csv', [], ['in/x/a.csv']],
      ['in/[!a]?.csv', ['in/bc.csv'], ['in/ac.csv']],
      ['in/[x.csv', ['in/[x.csv'], []],
      ['in/a.c+v', ['in/a.c+v'], []],
      ['in/a.csv', [], ['in/aXcsv']],
    ]),
  )('batch pattern %s against %s → %s', (pattern, path, expected) => {
    expect(compileGlob(pattern).test(path)).toBe(expected);
  });
});
