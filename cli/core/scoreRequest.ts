/**
 * One scoring request as a client of the endpoint sends it: the body goes out as the user wrote it (a
 * scoring script's `run()` gets these very bytes), and the answer comes back as it came — JSON when it
 * is JSON, else text (a string `run()` returned, a custom server's text). An error answer becomes an
 * `ApiError` that names the request id, which is what the deployment's logs are searched by.
 */
import { ApiError, documentedError } from '../../shared/portable/apiClient';
import { cliWording, type ApiClient } from './apiClient';

export interface ScoreAnswer {
  status: number;
  /** The parsed body when it is JSON; otherwise undefined and `text` holds it. */
  value: unknown;
  isJson: boolean;
  text: string;
  /** The deployment that answered (`azureml-model-deployment`), when the endpoint says. */
  deployment?: string;
}

export interface ScoreRequest {
  endpoint: string;
  path: string;
  bearer: string;
  /** The request body, sent byte for byte. */
  body: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** The request id an error answer carries: the error's `requestId`, else the `x-ms-request-id` header. */
function requestIdOf(value: unknown, headers: Headers): string | undefined {
  const id = (value as { error?: { requestId?: unknown } } | null)?.error?.requestId;
  return typeof id === 'string' && id ? id : (headers.get('x-ms-request-id') ?? undefined);
}

function parsed(text: string): { isJson: boolean; value: unknown } {
  if (!text.trim()) return { isJson: false, value: undefined };
  try {
    return { isJson: true, value: JSON.parse(text) as unknown };
  } catch {
    return { isJson: false, value: undefined };
  }
}

function errorOf(request: ScoreRequest, res: Response, text: string, value: unknown, api: ApiClient): ApiError {
  const wording = cliWording(api.connection);
  const code = wording.codeFor(res.status);
  const base =
    documentedError(res.status, text, request.path, code) ??
    new ApiError(
      res.status,
      code,
      text.trim() || `the endpoint answered ${res.status} ${res.statusText}`,
      [],
      request.path,
    );
  const id = requestIdOf(value, res.headers);
  if (!id || base.message.includes(id)) return base;
  const deployment = res.headers.get('azureml-model-deployment');
  const logs =
    base.code === 'ScoringScriptError' && deployment
      ? `; its traceback is in \`sibyl deployments logs ${request.endpoint}/${deployment}\``
      : '';
  return new ApiError(base.status, base.code, `${base.message} (request id ${id}${logs})`, base.details, base.path);
}

/** Sends the request; resolves with a 2xx answer, rejects with an `ApiError` for any other. */
export async function scoreRequest(api: ApiClient, request: ScoreRequest): Promise<ScoreAnswer> {
  const headers: Record<string, string> = {
    accept: 'application/json, text/plain;q=0.9, */*;q=0.8',
    'content-type': request.contentType ?? 'application/json',
    ...request.headers,
    authorization: `Bearer ${request.bearer}`,
  };
  let res: Response;
  try {
    res = await fetch(`${api.connection.url}${request.path}`, { method: 'POST', headers, body: request.body });
  } catch (error) {
    throw cliWording(api.connection).unreachable(error, 'POST', request.path);
  }
  const text = await res.text();
  const { isJson, value } = parsed(text);
  if (!res.ok) throw errorOf(request, res, text, value, api);
  return {
    status: res.status,
    value,
    isJson,
    text,
    deployment: res.headers.get('azureml-model-deployment') ?? undefined,
  };
}
