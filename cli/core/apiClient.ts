/**
 * The CLI's only way to Sibyl: the shared API client (shared/portable/apiClient.ts) pointed at the
 * profile's connection, with the CLI's wording for failures the API did not document. Non-2xx answers
 * become `ApiError` with the API's stable code, or `HTTP <status>` where the route has none (OIP routes).
 *
 * @example
 *   const api = new ApiClient(resolveConnection({}));
 *   const { value } = await api.get<{ value: Model[] }>('/api/models');
 */
import { ApiClient as SharedApiClient, ApiError, type ApiWording } from '../../shared/portable/apiClient';
import type { Connection } from './connection';

export { seg, type ApiResponse, type RequestOptions } from '../../shared/portable/apiClient';

/** How the CLI words failures the API did not document (also used by `sibyl score`'s raw requests). */
export function cliWording(connection: Connection): ApiWording {
  return {
    // The Functions host itself answers a missing or wrong function key with an empty 401, and a path
    // no function serves with an empty 404.
    codeFor: (status) => (status === 401 ? 'Unauthorized' : status === 404 ? 'NotFound' : `HTTP ${status}`),
    undocumented: (status, _statusText, text) => {
      if (text.trim()) return text.trim();
      if (status === 401) return 'the function key is missing or wrong (sibyl login --key, or SIBYL_KEY).';
      if (status === 404) return 'No route matches this request on the server (is it an older Sibyl?).';
      return `the API answered ${status} with no body`;
    },
    unreachable: (error, method, path) => {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (error as Error).message;
      if (why.startsWith('UND_ERR_') && why.endsWith('TIMEOUT')) {
        const message =
          `${method} ${path} got no answer from ${connection.url} in time (${why}); ` +
          'the operation may still finish on the server.';
        return new ApiError(0, 'Timeout', message, [], path);
      }
      return new ApiError(
        0,
        'ConnectionFailed',
        `cannot reach Sibyl at ${connection.url} (${why}); is it running (npm start) and is the URL right?`,
        [],
        path,
      );
    },
  };
}

export class ApiClient extends SharedApiClient {
  constructor(readonly connection: Connection) {
    super({ baseUrl: connection.url, key: () => connection.key, wording: cliWording(connection) });
  }
}
