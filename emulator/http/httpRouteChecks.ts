/**
 * The host's checks on HTTP functions at indexing (`ScriptHost.ValidateFunction`): a route in the host's
 * own space, or one that equals an earlier function's route with a method in common, makes that function
 * fail to load (an error in the log); the other functions still load.
 */
import { reservedRouteProblem, type HttpFunction } from '../functionCatalog';

export interface RejectedFunction {
  name: string;
  reason: string;
}

/** `HttpRoutesConflict`: the same route (slashes trimmed, any casing) and a method in common. */
function conflicts(a: HttpFunction, b: HttpFunction): boolean {
  const route = (fn: HttpFunction) => fn.route.replace(/^\/+|\/+$/g, '').toLowerCase();
  return route(a) === route(b) && a.methods.some((m) => b.methods.includes(m));
}

export function checkHttpFunctions(functions: HttpFunction[]): {
  accepted: HttpFunction[];
  rejected: RejectedFunction[];
} {
  const accepted: HttpFunction[] = [];
  const rejected: RejectedFunction[] = [];
  for (const fn of functions) {
    const reserved = reservedRouteProblem(fn.route);
    const other = reserved ? undefined : accepted.find((earlier) => conflicts(fn, earlier));
    if (reserved) rejected.push({ name: fn.name, reason: reserved });
    else if (other)
      rejected.push({
        name: fn.name,
        reason: `The route specified conflicts with the route defined by function '${other.name}'.`,
      });
    else accepted.push(fn);
  }
  return { accepted, rejected };
}
