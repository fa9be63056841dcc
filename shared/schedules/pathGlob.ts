/**
 * Path patterns of change-based schedules, relative to a datastore: `*` (any characters but `/`), `**`
 * (any number of folders, as a whole segment only), `?` (one character but `/`), `[abc]` / `[a-z]` /
 * `[!abc]` (one character of a class) and `{csv,jsonl}` (alternatives, not nested). Everything else is
 * literal and case-sensitive, like blob names. A pattern that cannot mean anything useful — empty, absolute,
 * with `..`, `//`, an unclosed bracket or brace, or `**` glued to other characters — is refused with the reason.
 *
 * @example
 *   const glob = compilePathGlob('incoming/**\/*.csv');
 *   glob.matches('incoming/2024/06/a.csv'); // true
 *   glob.matches('incoming/a.csv');         // true: `**` also matches no folder
 *   glob.prefix;                            // 'incoming/' (list under it)
 */
import { SibylError } from '../errors';
import { classTest, GlobBuilder, NOT_SLASH, type CharTest } from './globMatcher';

export interface PathGlob {
  /** The pattern as given. */
  readonly pattern: string;
  /** The literal folder part before the first wildcard: blobs outside it never match. */
  readonly prefix: string;
  /** Whether a datastore-relative blob path matches. */
  matches(path: string): boolean;
}

/** Longest pattern accepted (Blob names are at most 1024 characters). */
export const MAX_GLOB_LENGTH = 1024;

function invalid(pattern: string, why: string): SibylError {
  return new SibylError('InvalidInput', `Path pattern '${pattern.slice(0, 200)}' is invalid: ${why}.`, [
    { target: 'trigger.pathPattern', message: why },
  ]);
}

/** One character class `[...]` starting at `start` of `segment`; returns its test and the index of `]`. */
function characterClass(
  pattern: string,
  segment: string,
  start: number,
  offset: number,
): { test: CharTest; end: number } {
  let i = start + 1;
  const negated = segment[i] === '!' || segment[i] === '^';
  if (negated) i++;
  // A `]` right after the opening (or `[!`) is a member, as in POSIX globs.
  const end = segment.indexOf(']', segment[i] === ']' ? i + 1 : i);
  if (end < 0)
    throw invalid(pattern, `'[' at position ${offset + start + 1} is never closed with ']' in the same folder`);
  return { test: classTest(segment.slice(i, end), negated), end };
}

/** Adds one segment (no `/` inside) to the matcher being built. */
function addSegment(glob: GlobBuilder, pattern: string, segment: string, offset: number): void {
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') {
      if (segment[i + 1] === '*')
        throw invalid(pattern, `'**' must be a whole path segment (like 'a/**/b'), not part of '${segment}'`);
      glob.star(NOT_SLASH);
    } else if (c === '?') glob.char(NOT_SLASH);
    else if (c === '[') {
      const cls = characterClass(pattern, segment, i, offset);
      glob.char(cls.test);
      i = cls.end;
    } else if (c === '{') {
      const end = segment.indexOf('}', i);
      if (end < 0) throw invalid(pattern, `'{' at position ${offset + i + 1} is never closed with '}'`);
      const options = segment.slice(i + 1, end).split(',');
      if (options.length < 2 || options.some((o) => o === '' || /[{[*?]/.test(o))) {
        throw invalid(
          pattern,
          `'{${segment.slice(i + 1, end)}}' must list at least two plain alternatives, e.g. '{csv,jsonl}'`,
        );
      }
      glob.oneOf(options);
      i = end;
    } else if (c === ']' || c === '}')
      throw invalid(pattern, `'${c}' at position ${offset + i + 1} has no opening '${c === ']' ? '[' : '{'}'`);
    else glob.literal(c);
  }
}

/** Compiles a datastore path pattern; throws `InvalidInput` saying what is wrong with it. */
export function compilePathGlob(pattern: string): PathGlob {
  if (pattern.trim() === '') throw invalid(pattern, 'it is empty');
  if (pattern.length > MAX_GLOB_LENGTH) throw invalid(pattern, `it is longer than ${MAX_GLOB_LENGTH} characters`);
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (/[\u0000-\u001f\\]/.test(pattern))
    throw invalid(pattern, 'it may not hold control characters or backslashes (use / between folders)');
  if (pattern.startsWith('/')) throw invalid(pattern, "it must be relative to the datastore, without a leading '/'");
  if (pattern.endsWith('/')) throw invalid(pattern, "it names a folder; add a file part, e.g. 'incoming/**/*.csv'");
  const segments = pattern.split('/');
  if (segments.some((s) => s === '')) throw invalid(pattern, "it has an empty folder ('//')");
  if (segments.some((s) => s === '.' || s === '..')) throw invalid(pattern, "it may not hold '.' or '..' segments");
  if (segments[segments.length - 1] === '**')
    throw invalid(pattern, "it ends with '**'; add a file part, e.g. '**/*.csv'");
  const glob = new GlobBuilder();
  let offset = 0;
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === '**') glob.folders();
    else {
      addSegment(glob, pattern, segment, offset);
      if (!last) glob.literal('/');
    }
    offset += segment.length + 1;
  });
  const matcher = glob.build();
  const firstWild = pattern.search(/[*?[{]/);
  const literal = firstWild < 0 ? pattern : pattern.slice(0, firstWild);
  const prefix = firstWild < 0 ? pattern : literal.slice(0, literal.lastIndexOf('/') + 1);
  return { pattern, prefix, matches: (path) => matcher.test(path) };
}
