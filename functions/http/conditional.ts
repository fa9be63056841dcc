/**
 * Conditional writes over HTTP: the `If-Match` a client sends with PUT/PATCH, and the `ETag` answered
 * with a resource, both the Cosmos document's ETag (quoted, as HTTP wants it).
 *
 * @example
 *   const { endpoint, etag } = await putEndpoint(name, spec, origin, { ifMatch: ifMatchOf(request) });
 *   return { jsonBody: endpoint, headers: etagHeader(etag) };
 */
import type { HttpRequest } from '@azure/functions';

/** The request's `If-Match`, or undefined when absent or empty. */
export function ifMatchOf(request: HttpRequest): string | undefined {
  const value = request.headers.get('if-match')?.trim();
  return value ? value : undefined;
}

/** `{ etag }` for a response, or nothing when the version is unknown. */
export function etagHeader(etag: string | undefined): Record<string, string> {
  return etag ? { etag } : {};
}
