/**
 * Glob patterns for input paths: `*` (any characters but `/`), `**` (any characters, `/` included),
 * `?` (one character but `/`), `[abc]` / `[!abc]` (a character class).
 *
 * @example compileGlob('in/**\/*.csv').test('in/2024/06/a.csv') === true
 * @example literalPrefix('in/2024-*\/a.csv') === 'in/'
 */

import { classTest, GlobBuilder, NOT_SLASH, type GlobMatcher } from '../schedules/globMatcher';

const GLOB_CHARS = /[*?[]/;

export function isGlob(path: string): boolean {
  return GLOB_CHARS.test(path);
}

/** The folder part before the first wildcard: what to list under. */
export function literalPrefix(pattern: string): string {
  const first = pattern.search(GLOB_CHARS);
  const head = first < 0 ? pattern : pattern.slice(0, first);
  return head.slice(0, head.lastIndexOf('/') + 1);
}

/** Compiles `pattern` to a linear-time matcher (never a backtracking regex: see `globMatcher.ts`). */
export function compileGlob(pattern: string): GlobMatcher {
  const glob = new GlobBuilder();
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        // `**/` also matches no folder at all.
        const slash = pattern[i + 2] === '/';
        if (slash) glob.optionalFolders();
        else glob.anything();
        i += slash ? 2 : 1;
      } else glob.star(NOT_SLASH);
    } else if (c === '?') glob.char(NOT_SLASH);
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) glob.literal('[');
      else {
        const body = pattern.slice(i + 1, end);
        glob.char(body.startsWith('!') ? classTest(body.slice(1), true) : classTest(body, false));
        i = end;
      }
    } else glob.literal(c);
  }
  return glob.build();
}
