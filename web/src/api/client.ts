/**
 * Calls Sibyl's control-plane API with the signed-in function key and turns every failure into an
 * `ApiError` whose message is a sentence a person can act on (the API's own `error.message` when it
 * sent one). A 401 signs the user out, because the key stopped working.
 *
 * @example
 *   const { value } = await api.get<List<Model>>('/api/models');
 */
import type { ErrorInfo } from './types';

/** A failed API call: HTTP status (0 when the server could not be reached), stable code, message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorInfo['details'] = [],
    readonly path = '',
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** True when the route is not deployed on this server (an older Sibyl, or a feature not built yet). */
  get routeMissing(): boolean {
    return this.status === 404 && this.code === 'NotFound' && /^No (route matches|function at)/.test(this.message);
  }
}

/** Reads Sibyl's `{"error": {code, message}}` or the OIP's `{"error": "..."}` out of a body, if it is one. */
export function errorFrom(status: number, statusText: string, bodyText: string, path: string): ApiError {
  try {
    const body = JSON.parse(bodyText) as { error?: ErrorInfo | string };
    if (typeof body.error === 'string') return new ApiError(status, httpCode(status), body.error, [], path);
    if (body.error && typeof body.error.message === 'string') return new ApiError(status, String(body.error.code ?? httpCode(status)), body.error.message, body.error.details ?? [], path);
  } catch {
    // Not JSON: fall through to the status line.
  }
  const text = bodyText.trim().slice(0, 300);
  return new ApiError(status, httpCode(status), `${status} ${statusText || 'error'}${text ? `: ${text}` : ''}`, [], path);
}

function httpCode(status: number): string {
  if (status === 401) return 'Unauthorized';
  if (status === 404) return 'NotFound';
  if (status >= 500) return 'ServerError';
  return `Http${status}`;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ApiClientOptions {
  key: () => string | undefined;
  /** Called when the server answers 401 to the function key. */
  onUnauthorized: () => void;
}

/** The control-plane client of one signed-in session. */
export class ApiClient {
  constructor(private readonly options: ApiClientOptions) {}

  get<T>(path: string): Promise<T> {
    return this.send<T>('GET', path);
  }

  /** Sends `body` as JSON; answers the parsed JSON body (undefined for 204). */
  async send<T>(method: Method, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<T> {
    return (await this.#request<T>(method, path, body, extraHeaders)).value;
  }

  /** GET with the resource's ETag, for a later write conditional on it (`If-Match`). */
  getVersioned<T>(path: string): Promise<{ value: T; etag: string | undefined }> {
    return this.#request<T>('GET', path, undefined, {});
  }

  async #request<T>(method: Method, path: string, body: unknown, extraHeaders: Record<string, string>): Promise<{ value: T; etag: string | undefined }> {
    const headers: Record<string, string> = { accept: 'application/json', ...extraHeaders };
    const key = this.options.key();
    if (key) headers['x-functions-key'] = key;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
    } catch (error) {
      throw new ApiError(0, 'NetworkError', `Sibyl could not be reached (${(error as Error).message}). Is the function app running?`, [], path);
    }
    const text = await res.text();
    if (!res.ok) {
      const error = errorFrom(res.status, res.statusText, text, path);
      if (res.status === 401) this.options.onUnauthorized();
      throw error;
    }
    const etag = res.headers.get('etag') ?? undefined;
    if (!text) return { value: undefined as T, etag };
    try {
      return { value: JSON.parse(text) as T, etag };
    } catch {
      throw new ApiError(res.status, 'InvalidResponse', `${method} ${path} answered ${res.status} with a body that is not JSON.`, [], path);
    }
  }
}

/** Encodes one path segment (names come from the API and from the URL hash). */
export const seg = (value: string | number): string => encodeURIComponent(String(value));

/** Checks a function key without signing in: resolves when accepted, rejects with an ApiError. */
export async function checkKey(key: string): Promise<void> {
  const probe = new ApiClient({ key: () => key, onUnauthorized: () => undefined });
  await probe.get('/api/models');
}
