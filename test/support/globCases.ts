/** Glob test cases written per pattern: the paths it must match and the paths it must not. */
export type GlobCase = [pattern: string, matches: string[], misses: string[]];

/** The cases as `[pattern, path, expected]` rows for `it.each`. */
export function globRows(cases: GlobCase[]): [pattern: string, path: string, expected: boolean][] {
  return cases.flatMap(([pattern, matches, misses]) => [
    ...matches.map((path): [string, string, boolean] => [pattern, path, true]),
    ...misses.map((path): [string, string, boolean] => [pattern, path, false]),
  ]);
}
