/**
 * The client of Sibyl's public HTTP API and its error, written once for the CLI and the dashboard.
 * Control-plane calls carry the function key (`x-functions-key`); data-plane calls carry the endpoint's
 * bearer credential instead. Every failure becomes an `ApiError`: the API's own code, message and
 * details when the answer documents them, else the client's wording for an undocumented answer or
 * for a server it could not reach.
 *
 * Pure: only `fetch`, no Node or server imports, so the CLI and the dashboard import it as it is.
 *
 * @example
 *   const api = new ApiClient({ baseUrl: 'http://127.0.0.1:7071', key: () => key, wording });
 *   const { value } = await api.get<{ value: Model[] }>('/api/models');
 */

/** One field-level detail of an API error. */
export interface ApiErrorDetail {
  target?: string;
  message: string;
}

/**
 * A failed API call: HTTP status (0 when the server could not be reached), the API's stable error code
 * (`ModelNotFound`, `InvalidInput`, …, or the client's code when the answer had none), a message.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly ApiErrorDetail[] = [],
    readonly path = '',
  ) {
    super(message);
  }

  /** True when the route is not deployed on this server (an older Sibyl, or a feature not built yet). */
  get routeMissing(): boolean {
    return this.status === 404 && this.code === 'NotFound' && /^No (route matches|function at)/.test(this.message);
  }
}

/**
 * The error an answer documents: Sibyl's `{"error": {"code", "message", "details"}}` or the OIP's
 * `{"error": "<message>"}`; undefined when the body is neither. `fallbackCode` names an error without a code.
 */
export function documentedError(
  status: number,
  bodyText: string,
  path: string,
  fallbackCode: string,
): ApiError | undefined {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return undefined;
  }
  const error = (body as { error?: unknown } | null)?.error;
  if (typeof error === 'string') return new ApiError(status, fallbackCode, error, [], path);
  if (!error || typeof error !== 'object') return undefined;
  const { code, message, details } = error as { code?: unknown; message?: unknown; details?: unknown };
  if (typeof message !== 'string') return undefined;
  return new ApiError(
    status,
    typeof code === 'string' ? code : fallbackCode,
    message,
    Array.isArray(details) ? (details as ApiErrorDetail[]) : [],
    path,
  );
}

/** How a client words the failures the API did not document (the CLI and the dashboard speak differently). */
export interface ApiWording {
  /** The code of an error answer that names none. */
  codeFor(status: number): string;
  /** The message of an error answer whose body documents no error. */
  undocumented(status: number, statusText: string, bodyText: string): string;
  /** The error for a request that got no answer at all. */
  unreachable(error: unknown, method: string, path: string): ApiError;
}

export interface ApiClientOptions {
  /** Put before every path: the server's URL for the CLI, '' for the dashboard (same origin). */
  baseUrl: string;
  /** The function key, if any, read on every call. */
  key(): string | undefined;
  wording: ApiWording;
  /** Called when the server answers 401 to the function key. */
  onUnauthorized?(): void;
  /** Never answer from the HTTP cache (the dashboard's lists must be current). */
  noStore?: boolean;
}

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
  constructor(private readonly options: ApiClientOptions) {}

  /** Sends a request; resolves with the parsed JSON body (undefined for an empty one). */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const { baseUrl, wording } = this.options;
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(options.query ?? {}))
      if (value !== undefined) search.set(name, String(value));
    const url = `${baseUrl}${path}${search.size ? `${path.includes('?') ? '&' : '?'}${search.toString()}` : ''}`;
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    const key = this.options.key();
    if (options.bearer !== undefined) headers.authorization = `Bearer ${options.bearer}`;
    else if (key) headers['x-functions-key'] = key;
    let body: RequestInit['body'];
    if (options.json !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.bytes) {
      headers['content-type'] ??= 'application/octet-stream';
      // A view on a shared or resizable buffer is still a valid body; the DOM types only spell ArrayBuffer.
      body = options.bytes as Uint8Array<ArrayBuffer>;
    }
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body, ...(this.options.noStore ? { cache: 'no-store' } : {}) });
    } catch (error) {
      throw wording.unreachable(error, method, path);
    }
    const text = await res.text();
    if (!res.ok) {
      const fallback = wording.codeFor(res.status);
      const error =
        documentedError(res.status, text, path, fallback) ??
        new ApiError(res.status, fallback, wording.undocumented(res.status, res.statusText, text), [], path);
      if (res.status === 401 && options.bearer === undefined) this.options.onUnauthorized?.();
      throw error;
    }
    if (!text) return { status: res.status, headers: res.headers, body: undefined as T };
    try {
      return { status: res.status, headers: res.headers, body: JSON.parse(text) as T };
    } catch {
      const message = `${method} ${path} answered ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`;
      throw new ApiError(res.status, 'InvalidResponse', message, [], path);
    }
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

  /** Sends `body` as JSON; answers the parsed JSON body (undefined for an empty one). */
  async send<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await this.request<T>(method, path, body === undefined ? {} : { json: body })).body;
  }
}
