/** Node HTTP request ↔ `RpcHttpData`, as the host converts them (docs/local-host-contract.md §1.6–1.7). */
import type { IncomingMessage } from 'node:http';
import type { RpcHttpCookie, RpcHttpData, RpcNullableString } from '../core/rpcTypes';

export function toRpcHttp(
  req: IncomingMessage,
  url: URL,
  params: Record<string, string>,
  body: Buffer,
): RpcHttpData {
  const nullableHeaders: Record<string, RpcNullableString> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || value === '') continue;
    nullableHeaders[name] = { value: Array.isArray(value) ? value.join(',') : value };
  }
  const nullableQuery: Record<string, RpcNullableString> = {};
  // `url.searchParams` builds a URLSearchParams on first use: skip it when there is no query.
  if (url.search !== '') {
    for (const key of new Set(url.searchParams.keys())) {
      nullableQuery[key] = { value: url.searchParams.getAll(key).join(',') };
    }
  }
  const nullableParams: Record<string, RpcNullableString> = {};
  for (const [name, value] of Object.entries(params)) nullableParams[name] = { value };
  return {
    method: req.method ?? 'GET',
    url: url.href,
    nullableHeaders,
    nullableQuery,
    nullableParams,
    identities: [],
    ...(body.length > 0 ? { body: { bytes: body } } : {}),
  };
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

const NO_BODY = new Set([204, 205, 304]);

export function fromRpcHttp(http: RpcHttpData | null | undefined): HttpAnswer {
  if (!http) return { status: 204, headers: {}, body: Buffer.alloc(0) };
  const status = Number(http.statusCode ?? 200) || 200;
  const headers: Record<string, string | string[]> = { ...(http.headers ?? {}) };
  const cookies = (http.cookies ?? []).map(toSetCookie);
  if (cookies.length) headers['set-cookie'] = cookies;
  const bytes = http.body?.bytes ?? (http.body?.string !== undefined && http.body?.string !== null ? Buffer.from(http.body.string) : undefined);
  const body = NO_BODY.has(status) || !bytes ? Buffer.alloc(0) : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { status, headers, body };
}

function toSetCookie(cookie: RpcHttpCookie): string {
  const parts = [`${cookie.name ?? ''}=${cookie.value ?? ''}`];
  if (cookie.domain?.value) parts.push(`Domain=${cookie.domain.value}`);
  if (cookie.path?.value) parts.push(`Path=${cookie.path.value}`);
  const seconds = cookie.expires?.value?.seconds;
  if (seconds !== undefined && seconds !== null) parts.push(`Expires=${new Date(seconds * 1000).toUTCString()}`);
  if (cookie.maxAge?.value !== undefined && cookie.maxAge.value !== null) parts.push(`Max-Age=${cookie.maxAge.value}`);
  if (cookie.secure?.value) parts.push('Secure');
  if (cookie.httpOnly?.value) parts.push('HttpOnly');
  if (cookie.sameSite === 'lax') parts.push('SameSite=Lax');
  else if (cookie.sameSite === 'strict') parts.push('SameSite=Strict');
  else if (cookie.sameSite === 'explicitNone') parts.push('SameSite=None');
  return parts.join('; ');
}
