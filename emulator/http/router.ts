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

export class Router {
  readonly #entries: Entry[];

  constructor(functions: HttpFunction[], routePrefix: string) {
    const prefix = routePrefix.replace(/^\/+|\/+$/g, '');
    this.#entries = functions
      .map((fn) => ({ fn, route: compileRoute([prefix, fn.route.replace(/^\/+/, '')].filter(Boolean).join('/')) }))
      .sort((a, b) => comparePrecedence(a.route, b.route));
  }

  /** `path` is the URL path, still percent-encoded, without the query. */
  lookup(method: string, path: string): RouteLookup {
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
