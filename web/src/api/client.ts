/**
 * The dashboard's control-plane client: the shared API client (shared/portable/apiClient.ts) on the
 * page's own origin, with the signed-in function key, never answering from the HTTP cache. Failures
 * are `ApiError`s whose message is a sentence a person can act on (the API's own `error.message`
 * when it sent one). A 401 signs the user out, because the key stopped working.
 *
 * @example
 *   const { value } = await api.get<List<Model>>('/api/models');
 */
import { ApiClient as SharedApiClient, ApiError, type ApiWording } from '../../../shared/portable/apiClient';

export { ApiError, seg } from '../../../shared/portable/apiClient';

function httpCode(status: number): string {
  if (status === 401) return 'Unauthorized';
  if (status === 404) return 'NotFound';
  if (status >= 500) return 'ServerError';
  return `Http${status}`;
}

const dashboardWording: ApiWording = {
  codeFor: httpCode,
  undocumented: (status, statusText, bodyText) => {
    const text = bodyText.trim().slice(0, 300);
    return `${status} ${statusText || 'error'}${text ? `: ${text}` : ''}`;
  },
  unreachable: (error, _method, path) =>
    new ApiError(
      0,
      'NetworkError',
      `Sibyl could not be reached (${(error as Error).message}). Is the function app running?`,
      [],
      path,
    ),
};

export interface ApiClientOptions {
  /** The function app's origin; the page's own when absent. */
  origin?: string;
  key: () => string | undefined;
  /** Called when the server answers 401 to the function key. */
  onUnauthorized: () => void;
}

/** The control-plane client of one signed-in session. */
export class ApiClient extends SharedApiClient {
  constructor(options: ApiClientOptions) {
    super({
      baseUrl: options.origin ?? '',
      key: options.key,
      onUnauthorized: options.onUnauthorized,
      wording: dashboardWording,
      noStore: true,
    });
  }

  /** GET with the resource's ETag, for a later write conditional on it (`If-Match`). */
  async getVersioned<T>(path: string): Promise<{ value: T; etag: string | undefined }> {
    const res = await this.request<T>('GET', path);
    return { value: res.body, etag: res.headers.get('etag') ?? undefined };
  }
}

/** Checks a function key without signing in: resolves when accepted, rejects with an ApiError. */
export async function checkKey(key: string): Promise<void> {
  const probe = new ApiClient({ key: () => key, onUnauthorized: () => undefined });
  await probe.get('/api/models');
}
