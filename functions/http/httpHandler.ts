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

/** ` key=value` for each field set (numbers to two decimals): built in one pass, as it runs on every request. */
function formatFields(fields: LogFields): string {
  let text = '';
  for (const k in fields) {
    const v = fields[k];
    if (v !== undefined) text += ` ${k}=${typeof v === 'number' ? Math.round(v * 100) / 100 : v}`;
  }
  return text;
}

/** The URL's path, without parsing all of it (the log line runs on every request). */
function pathOf(url: string): string {
  const host = url.indexOf('//');
  const start = host < 0 ? 0 : url.indexOf('/', host + 2);
  if (start < 0) return '/';
  const end = url.search(/[?#]/);
  return url.slice(start, end < 0 ? undefined : end);
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

/** Whether a plain header record already sets `x-ms-request-id` (in any case); no array is made per request. */
function namesRequestId(headers: Record<string, string>): boolean {
  for (const name in headers) if (name.length === 15 && name.toLowerCase() === 'x-ms-request-id') return true;
  return false;
}

/** The answer's headers plus `x-ms-request-id`; a plain record (what handlers return) is copied, not parsed. */
function withRequestId(headers: HttpResponseInit['headers'], requestId: string): HttpResponseInit['headers'] {
  if (headers === undefined) return { 'x-ms-request-id': requestId };
  if (Object.getPrototypeOf(headers) === Object.prototype && !namesRequestId(headers as Record<string, string>))
    return { ...(headers as Record<string, string>), 'x-ms-request-id': requestId };
  const copy = new Headers(headers);
  copy.set('x-ms-request-id', requestId);
  return copy;
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
    const ms = (performance.now() - started).toFixed(1);
    context.log(
      `${request.method} ${pathOf(request.url)} ${response.status ?? 200} ${ms}ms request=${requestId}${formatFields(log)}`,
    );
    return { ...response, headers: withRequestId(response.headers, requestId) };
  };
}
