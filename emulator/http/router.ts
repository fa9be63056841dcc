/** Matches a request path and method to an HTTP function, with the host's precedence rules. */
import type { HttpFunction } from '../functionCatalog';
import { compileRoute, comparePrecedence, type CompiledRoute } from './routeTemplate';

export interface RouteMatch {
  fn: HttpFunction;
  params: Record<string, string>;
}

export interface RouteLookup {
  /** The function for this method, if any route and method match. */
  match: RouteMatch | undefined;
  /** Methods that some route accepts for this path (for OPTIONS and HEAD). */
  allowedMethods: string[];
}

interface Entry {
  fn: HttpFunction;
  route: CompiledRoute;
}

/** Lookups remembered per method and path; past this many, the memo starts over (paths are client-chosen). */
const MEMO_LIMIT = 1024;

export class Router {
  readonly #entries: Entry[];
  /** Routes are fixed once the host starts, so a lookup's answer never changes: the hot path skips the scan. */
  readonly #memo = new Map<string, RouteLookup>();

  constructor(functions: HttpFunction[], routePrefix: string) {
    const prefix = routePrefix.replace(/^\/+|\/+$/g, '');
    this.#entries = functions
      .map((fn) => ({ fn, route: compileRoute([prefix, fn.route.replace(/^\/+/, '')].filter(Boolean).join('/')) }))
      .sort((a, b) => comparePrecedence(a.route, b.route));
  }

  /**
   * `path` is the URL path, still percent-encoded, without the query. The answer is shared between
   * calls with the same method and path: treat it as read-only.
   */
  lookup(method: string, path: string): RouteLookup {
    const key = `${method} ${path}`;
    const known = this.#memo.get(key);
    if (known) return known;
    const found = this.#scan(method, path);
    if (this.#memo.size >= MEMO_LIMIT) this.#memo.clear();
    this.#memo.set(key, found);
    return found;
  }

  #scan(method: string, path: string): RouteLookup {
    const trimmed = path.replace(/^\/+|\/+$/g, '');
    const segments = trimmed === '' ? [] : trimmed.split('/');
    const allowed = new Set<string>();
    let match: RouteMatch | undefined;
    for (const entry of this.#entries) {
      const params = entry.route.match(segments);
      if (!params) continue;
      for (const m of entry.fn.methods) allowed.add(m);
      if (!match && entry.fn.methods.includes(method)) match = { fn: entry.fn, params };
    }
    return { match, allowedMethods: [...allowed] };
  }
}
