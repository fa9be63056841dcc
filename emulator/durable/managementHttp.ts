/** Request/response shapes and small helpers of the Durable management HTTP API. */

/** A request to `/runtime/webhooks/durabletask/...`, already read by the HTTP front door. */
export interface ManagementRequest {
  method: string;
  /** The path after `/runtime/webhooks/durabletask/`, still percent-encoded (e.g. `instances/abc%3A0`). */
  path: string;
  query: URLSearchParams;
  body: Buffer;
  /** The request's origin, e.g. `http://127.0.0.1:7071`; links in responses use it. */
  origin: string;
  /** Request headers (lower-case names); needed for `x-ms-continuation-token` and raiseEvent's content type. */
  headers?: Record<string, string | string[] | undefined>;
}

export interface ManagementResponse {
  status: number;
  headers: Record<string, string>;
  /** A JSON value for the front door to serialize; absent for empty responses. */
  body?: unknown;
}

const jsonType = { 'Content-Type': 'application/json; charset=utf-8' };

export function json(status: number, body: unknown, headers: Record<string, string> = {}): ManagementResponse {
  return { status, headers: { ...jsonType, ...headers }, body };
}

/** The ASP.NET `HttpError` shape the extension answers errors with. */
export function error(status: number, message: string, exceptionMessage?: string): ManagementResponse {
  return json(
    status,
    exceptionMessage === undefined ? { Message: message } : { Message: message, ExceptionMessage: exceptionMessage },
  );
}

export function empty(status: number, headers: Record<string, string> = {}): ManagementResponse {
  return { status, headers };
}

export function header(req: ManagementRequest, name: string): string | undefined {
  const value = req.headers?.[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** .NET `bool.TryParse`: `true`/`false` in any case, else undefined. */
export function queryBool(query: URLSearchParams, name: string): boolean | undefined {
  const value = query.get(name)?.trim().toLowerCase();
  return value === 'true' ? true : value === 'false' ? false : undefined;
}

export function queryDate(query: URLSearchParams, name: string): Date | undefined {
  const value = query.get(name);
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Seconds as milliseconds (`timeout`, `pollingInterval`), else undefined. */
export function querySeconds(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/** Path segments, each percent-decoded; undefined when an escape is malformed. */
export function pathSegments(path: string): string[] | undefined {
  try {
    return path
      .replace(/^\/+|\/+$/g, '')
      .split('/')
      .filter((s) => s.length > 0)
      .map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

/** Parses a JSON body; `null` text for an empty body, undefined when it is not JSON. */
export function bodyJson(body: Buffer): { text: string | null } | undefined {
  const text = body.toString('utf8').trim();
  if (text.length === 0) return { text: null };
  try {
    JSON.parse(text);
    return { text };
  } catch {
    return undefined;
  }
}

export function encodeContinuation(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

export function decodeContinuation(token: string | undefined): number | undefined {
  if (!token) return 0;
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown };
    return typeof value.o === 'number' && Number.isInteger(value.o) && value.o >= 0 ? value.o : undefined;
  } catch {
    return undefined;
  }
}
