/**
 * The one funnel between Sibyl's services and HTTP: runs a handler, turns a thrown error into the
 * documented error body (Sibyl's, or the Open Inference Protocol's `{"error": "..."}`), stamps
 * `x-ms-request-id`, and logs one line per request with its stage timings.
 */
import { randomUUID } from 'node:crypto';
import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { toErrorBody } from '../../shared/errors';

/** What a handler may add to the request's log line (e.g. the deployment and stage timings). */
export type LogFields = Record<string, string | number | undefined>;

export type SibylHttpHandler = (
  request: HttpRequest,
  context: InvocationContext,
  call: { requestId: string; log: LogFields },
) => Promise<HttpResponseInit>;

export interface HandlerOptions {
  errorStyle?: 'sibyl' | 'oip';
}

function formatFields(fields: LogFields): string {
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? Math.round(v * 100) / 100 : v}`)
    .join(' ');
}

/** Longest client request id echoed back (Azure's own clients send a 36-character GUID). */
export const MAX_CLIENT_REQUEST_ID = 128;
const REQUEST_ID = /^[A-Za-z0-9._:-]+$/;

/**
 * The client's `x-ms-client-request-id` when it is a short token, else a fresh id: the value is echoed in
 * a header and written to the log, so it may not be long or carry anything but plain characters.
 */
export function requestIdOf(header: string | null): string {
  return header && header.length <= MAX_CLIENT_REQUEST_ID && REQUEST_ID.test(header) ? header : randomUUID();
}

export function httpHandler(handler: SibylHttpHandler, options: HandlerOptions = {}): HttpHandler {
  return async (request, context) => {
    const requestId = requestIdOf(request.headers.get('x-ms-client-request-id'));
    const started = performance.now();
    const log: LogFields = {};
    let response: HttpResponseInit;
    try {
      response = await handler(request, context, { requestId, log });
    } catch (error) {
      const answer = toErrorBody(error, requestId);
      if (!answer.isClientFault)
        context.error(`request ${requestId} failed: ${(error as Error)?.stack ?? String(error)}`);
      const body = options.errorStyle === 'oip' ? { error: answer.body.error.message } : answer.body;
      response = { status: answer.status, jsonBody: body, headers: answer.headers };
      log.error = answer.body.error.code;
    }
    const headers = new Headers(response.headers);
    headers.set('x-ms-request-id', requestId);
    const path = new URL(request.url).pathname;
    const ms = (performance.now() - started).toFixed(1);
    context.log(
      `${request.method} ${path} ${response.status ?? 200} ${ms}ms request=${requestId} ${formatFields(log)}`.trimEnd(),
    );
    return { ...response, headers };
  };
}
