/**
 * `apiNotFound` (route `api/{*rest}`, every method): Sibyl's JSON error for a path under `api/` that no
 * route serves, so clients get the documented error shape in Azure and locally alike (the host itself
 * answers a bare 404). The host ranks routes segment by segment, literal before parameter and longer
 * before shorter, so every route of the table outranks this one (a test holds the table to that).
 * A path that a route serves with other methods answers 405 with `Allow`. Under `api/v2/` (the Open
 * Inference Protocol) the body is that protocol's `{"error": "..."}`.
 */
import { app, type HttpHandler, type HttpRequest } from '@azure/functions';
import { ROUTES } from '../shared/api/routes';
import { SibylError } from '../shared/errors';
import { httpHandler } from './http/httpHandler';

/** Each route's path as a pattern over a request path (placeholders match one segment). */
const PATTERNS = ROUTES.filter((r) => r.path.startsWith('/api/')).map((route) => ({
  method: route.method,
  pattern: new RegExp(`^${route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}/?$`, 'i'),
}));

/** The methods some route accepts at `path`, in the table's order. */
export function methodsAt(path: string): string[] {
  return [...new Set(PATTERNS.filter((p) => p.pattern.test(path)).map((p) => p.method))];
}

function notServed(request: HttpRequest): never {
  const path = new URL(request.url).pathname;
  const allowed = methodsAt(path);
  if (allowed.length) {
    throw new SibylError(
      'MethodNotAllowed',
      `${path} does not accept ${request.method}; it accepts ${allowed.join(', ')}.`,
      undefined,
      { allow: allowed.join(', ') },
    );
  }
  throw new SibylError(
    'NotFound',
    `No route matches ${request.method} ${path}. The routes are listed at /api/openapi.json.`,
  );
}

const sibylStyle = httpHandler(notServed);
/** The Open Inference Protocol's own error shape (`{"error": "..."}`) under its prefix. */
const oipStyle = httpHandler(notServed, { errorStyle: 'oip' });

export const apiNotFound: HttpHandler = (request, context) =>
  (new URL(request.url).pathname.toLowerCase().startsWith('/api/v2/') ? oipStyle : sibylStyle)(request, context);

app.http('apiNotFound', {
  route: 'api/{*rest}',
  methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'],
  authLevel: 'anonymous',
  handler: apiNotFound,
});
