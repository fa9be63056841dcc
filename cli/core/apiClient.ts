/**
 * The CLI's only way to Sibyl: HTTP requests to the public API. Control-plane calls carry the
 * function key (`x-functions-key`); data-plane calls carry the endpoint's bearer credential instead.
 * Non-2xx answers become `ApiError` with the API's stable code.
 *
 * @example
 *   const api = new ApiClient(resolveConnection({}));
 *   const { value } = await api.get<{ value: Model[] }>('/api/models');
 */
import { ApiError, type ApiErrorDetail } from './cliErrors';
import type { Connection } from './connection';

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  /** A JSON body. */
  json?: unknown;
  /** A raw body (sent as `application/octet-stream` unless `headers` say otherwise). */
  bytes?: Uint8Array;
  headers?: Record<string, string>;
  /** Data-plane credential: sends `Authorization: Bearer …` and no function key. */
  bearer?: string;
}

export interface ApiResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** `encodeURIComponent` for one path segment. */
export const seg = (value: string | number): string => encodeURIComponent(String(value));

export class ApiClient {
  constructor(readonly connection: Connection) {}

  /** Sends a request; resolves with the parsed JSON body (undefined for an empty one). */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const url = new URL(`${this.connection.url}${path}`);
    for (const [name, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(name, String(value));
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (options.bearer !== undefined) headers.authorization = `Bearer ${options.bearer}`;
    else if (this.connection.key) headers['x-functions-key'] = this.connection.key;
    let body: string | Uint8Array | undefined;
    if (options.json !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.bytes) {
      headers['content-type'] ??= 'application/octet-stream';
      body = options.bytes;
    }
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (error as Error).message;
      if (why.startsWith('UND_ERR_') && why.endsWith('TIMEOUT')) {
        throw new ApiError('Timeout', `${method} ${path} got no answer from ${this.connection.url} in time (${why}); the operation may still finish on the server.`, 0);
      }
      throw new ApiError('ConnectionFailed', `cannot reach Sibyl at ${this.connection.url} (${why}); is it running (npm start) and is the URL right?`, 0);
    }
    const text = await res.text();
    if (!res.ok) throw toApiError(res.status, text);
    return { status: res.status, headers: res.headers, body: (text ? parseJson(text, res.status) : undefined) as T };
  }

  async get<T>(path: string, query?: RequestOptions['query']): Promise<T> {
    return (await this.request<T>('GET', path, { query })).body;
  }

  async put<T>(path: string, json: unknown): Promise<ApiResponse<T>> {
    return this.request<T>('PUT', path, { json });
  }

  async post<T>(path: string, json?: unknown): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, json === undefined ? {} : { json });
  }

  async delete(path: string): Promise<void> {
    await this.request<unknown>('DELETE', path);
  }
}

function parseJson(text: string, status: number): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(`HTTP ${status}`, `the API answered something that is not JSON: ${text.slice(0, 200)}`, status);
  }
}

/** `{"error": {"code", "message", "details"}}`, or OIP's `{"error": "<message>"}`, or anything else. */
function toApiError(status: number, text: string): ApiError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const error = (parsed as { error?: unknown } | undefined)?.error;
  if (error && typeof error === 'object') {
    const { code, message, details } = error as { code?: unknown; message?: unknown; details?: unknown };
    return new ApiError(typeof code === 'string' ? code : `HTTP ${status}`, typeof message === 'string' ? message : text, status, Array.isArray(details) ? (details as ApiErrorDetail[]) : []);
  }
  if (typeof error === 'string') return new ApiError(`HTTP ${status}`, error, status);
  // The Functions host itself answers a missing or wrong function key with an empty 401, and a path no
  // function serves with an empty 404.
  if (status === 401 && !text.trim()) return new ApiError('Unauthorized', 'the function key is missing or wrong (sibyl login --key, or SIBYL_KEY).', status);
  if (status === 404 && !text.trim()) return new ApiError('NotFound', 'no route matches this request on the server (is it an older Sibyl?).', status);
  return new ApiError(`HTTP ${status}`, text.trim() || `the API answered ${status} with no body`, status);
}
