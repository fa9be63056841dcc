/**
 * Glob patterns for input paths: `*` (any characters but `/`), `**` (any characters, `/` included),
 * `?` (one character but `/`), `[abc]` / `[!abc]` (a character class).
 *
 * @example globToRegExp('in/**\/*.csv').test('in/2024/06/a.csv') === true
 * @example literalPrefix('in/2024-*\/a.csv') === 'in/'
 */

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

export function globToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        // `**/` also matches no folder at all.
        const slash = pattern[i + 2] === '/';
        out += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) out += '\\[';
      else {
        const body = pattern.slice(i + 1, end).replace(/\\/g, '\\\\');
        out += body.startsWith('!') ? `[^/${body.slice(1)}]` : `[${body}]`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}
