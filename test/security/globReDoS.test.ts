/**
 * Item 4 of the security issue: path patterns are matched in linear time. The pattern that used to
 * stall the event loop (`redos/*a*a*…a.csv` against a long run of `a`s ending in `b`) must now be
 * answered like any other, by both pattern dialects (schedule triggers and batch inputs), and matching
 * must still mean what the documented glob syntax says.
 */
import { compileGlob } from '../../shared/batch/globPattern';
import { compilePathGlob } from '../../shared/schedules/pathGlob';

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

  it.each([
    ['incoming/**/*.csv', 'incoming/a.csv', true],
    ['incoming/**/*.csv', 'incoming/2024/06/a.csv', true],
    ['incoming/**/*.csv', 'incoming/2024/06/a.json', false],
    ['incoming/*.csv', 'incoming/x/a.csv', false],
    ['in/a?.{csv,jsonl}', 'in/ab.jsonl', true],
    ['in/a?.{csv,jsonl}', 'in/ab.json', false],
    ['in/[a-c]x[!0-9].csv', 'in/bxz.csv', true],
    ['in/[a-c]x[!0-9].csv', 'in/dxz.csv', false],
    ['in/[a-c]x[!0-9].csv', 'in/bx5.csv', false],
    ['in/[]a].csv', 'in/].csv', true],
  ])('schedule pattern %s against %s → %s', (pattern, path, expected) => {
    expect(compilePathGlob(pattern).matches(path)).toBe(expected);
  });

  it.each([
    ['in/**/*.csv', 'in/a.csv', true],
    ['in/**/*.csv', 'in/x/y/a.csv', true],
    ['in/**', 'in/x/y/a.csv', true],
    ['in/*.csv', 'in/x/a.csv', false],
    ['in/[!a]?.csv', 'in/bc.csv', true],
    ['in/[!a]?.csv', 'in/ac.csv', false],
    ['in/[x.csv', 'in/[x.csv', true],
    ['in/a.c+v', 'in/a.c+v', true],
    ['in/a.csv', 'in/aXcsv', false],
  ])('batch pattern %s against %s → %s', (pattern, path, expected) => {
    expect(compileGlob(pattern).test(path)).toBe(expected);
  });
});
