/**
 * Hash routes (`#/endpoints/horoscope?tab=test`): the page is one static file, so every view lives
 * in the fragment, which never reaches the server. Patterns use `:name` for one segment.
 */

export interface RouteMatch<T> {
  page: T;
  params: Record<string, string>;
  query: URLSearchParams;
}

export interface RouteDef<T> {
  pattern: string;
  page: T;
}

/** Splits `#/a/b?x=1` into decoded segments and query. */
export function parseHash(hash: string): { segments: string[]; query: URLSearchParams } {
  const raw = hash.replace(/^#\/?/, '');
  const q = raw.indexOf('?');
  const path = q >= 0 ? raw.slice(0, q) : raw;
  const query = new URLSearchParams(q >= 0 ? raw.slice(q + 1) : '');
  const segments = path
    .split('/')
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  return { segments, query };
}

/** The first route whose pattern matches the hash. */
export function matchRoute<T>(routes: readonly RouteDef<T>[], hash: string): RouteMatch<T> | undefined {
  const { segments, query } = parseHash(hash);
  for (const route of routes) {
    const parts = route.pattern.split('/').filter(Boolean);
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const ok = parts.every((part, i) => {
      const value = segments[i]!;
      if (part.startsWith(':')) {
        params[part.slice(1)] = value;
        return true;
      }
      return part === value;
    });
    if (ok) return { page: route.page, params, query };
  }
  return undefined;
}

/** Builds `#/a/b?x=1` from segments (encoded) and query entries (empty values left out). */
export function hashFor(
  segments: readonly (string | number)[],
  query: Record<string, string | undefined> = {},
): string {
  const path = segments.map((s) => encodeURIComponent(String(s))).join('/');
  const q = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => Boolean(e[1]))).toString();
  return `#/${path}${q ? `?${q}` : ''}`;
}
