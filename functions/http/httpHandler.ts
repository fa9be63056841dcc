/**
 * The one funnel between Sibyl's services and HTTP: runs a handler, turns a thrown error into the
 * documented error body, stamps `x-ms-request-id`, and logs one line per request.
 */
import { randomUUID } from 'node:crypto';
import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { toErrorBody } from '../../shared/errors';

export type SibylHttpHandler = (request: HttpRequest, context: InvocationContext, requestId: string) => Promise<HttpResponseInit>;

export function httpHandler(handler: SibylHttpHandler): HttpHandler {
  return async (request, context) => {
    const requestId = request.headers.get('x-ms-client-request-id') ?? randomUUID();
    const started = performance.now();
    let response: HttpResponseInit;
    try {
      response = await handler(request, context, requestId);
    } catch (error) {
      const answer = toErrorBody(error, requestId);
      if (!answer.isClientFault) context.error(`request ${requestId} failed: ${(error as Error)?.stack ?? String(error)}`);
      response = { status: answer.status, jsonBody: answer.body, headers: answer.headers };
    }
    const headers = new Headers(response.headers as ConstructorParameters<typeof Headers>[0]);
    headers.set('x-ms-request-id', requestId);
    context.log(`${request.method} ${new URL(request.url).pathname} → ${response.status ?? 200} in ${(performance.now() - started).toFixed(1)} ms (request ${requestId})`);
    return { ...response, headers };
  };
}
