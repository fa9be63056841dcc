/**
 * Conditional writes over HTTP: the `If-Match` a client sends with PUT/PATCH, and the `ETag` answered
 * with a resource, both the Cosmos document's ETag (quoted, as HTTP wants it).
 *
 * @example
 *   return etagAnswer('endpoint', await putEndpoint(name, spec, origin, { ifMatch: ifMatchOf(request) }));
 */
import type { HttpRequest, HttpResponseInit } from '@azure/functions';

/** The request's `If-Match`, or undefined when absent or empty. */
export function ifMatchOf(request: HttpRequest): string | undefined {
  const value = request.headers.get('if-match')?.trim();
  return value ? value : undefined;
}

/**
 * The answer of a read or write that knows the resource's version: `result[key]` as the body, its `ETag`
 * (none when the version is unknown), and 201 when `result.created`, else 200.
 */
export function etagAnswer<K extends string>(
  key: K,
  result: { readonly [P in K]: unknown } & { etag: string | undefined; created?: boolean },
): HttpResponseInit {
  return {
    status: result.created ? 201 : 200,
    jsonBody: result[key],
    headers: result.etag ? { etag: result.etag } : {},
  };
}
