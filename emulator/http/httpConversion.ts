/** Node HTTP request ↔ `RpcHttpData`, as the host converts them (docs/local-host-contract.md, "The Node worker protocol"). */
import type { IncomingMessage } from 'node:http';
import type { RpcHttpCookie, RpcHttpData, RpcNullableString } from '../core/rpcTypes';

export function toRpcHttp(req: IncomingMessage, url: URL, params: Record<string, string>, body: Buffer): RpcHttpData {
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
  if (http.cookies?.length)
    headers['set-cookie'] = [...[headers['set-cookie'] ?? []].flat(), ...http.cookies.map(toSetCookie)];
  const bytes =
    http.body?.bytes ??
    (http.body?.string !== undefined && http.body?.string !== null ? Buffer.from(http.body.string) : undefined);
  const body =
    NO_BODY.has(status) || !bytes ? Buffer.alloc(0) : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { status, headers, body };
}

/** .NET's `Uri.EscapeDataString`: everything but RFC 3986's unreserved characters is percent-encoded. */
function escapeDataString(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * A cookie as the host writes it without HTTP streaming: `ResponseCookies.Append` with the `CookieOptions`
 * from `RpcHttpCookieConverter`, serialized by `SetCookieHeaderValue` (lower-case attributes in its order,
 * `path=/` by default, the value escaped; SameSite `None` means unspecified, `ExplicitNone` writes `none`).
 */
export function toSetCookie(cookie: RpcHttpCookie): string {
  const parts = [`${cookie.name ?? ''}=${escapeDataString(cookie.value ?? '')}`];
  const seconds = cookie.expires?.value?.seconds;
  if (seconds !== undefined && seconds !== null)
    parts.push(`expires=${new Date(Number(seconds) * 1000).toUTCString()}`);
  const maxAge = cookie.maxAge?.value;
  if (maxAge !== undefined && maxAge !== null) parts.push(`max-age=${Math.trunc(Number(maxAge))}`);
  if (cookie.domain?.value) parts.push(`domain=${cookie.domain.value}`);
  parts.push(`path=${cookie.path?.value ?? '/'}`);
  if (cookie.secure?.value) parts.push('secure');
  if (cookie.sameSite === 'lax') parts.push('samesite=lax');
  else if (cookie.sameSite === 'strict') parts.push('samesite=strict');
  else if (cookie.sameSite === 'explicitNone') parts.push('samesite=none');
  if (cookie.httpOnly?.value) parts.push('httponly');
  return parts.join('; ');
}
