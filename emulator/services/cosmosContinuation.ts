/**
 * Whether an `x-ms-continuation` header is a token the local Cosmos server could have issued. Azure Cosmos
 * DB answers a token it cannot read with 400; the package parses a bad one as "no token" and serves the
 * first page again, or fails deep in the query with a TypeError. Its tokens are JSON
 * `{"token":"+RID:<rid>#RT:<n>[#SRC:<n>]#TRC:<n>[#RTD:<base64 JSON array>]","range":{…}}`
 * (@zeit/cosmosdb-query's continuation-token.js).
 */
const TOKEN = /^\+RID:[^#]*#RT:\d+(?:#SRC:\d+)?#TRC:\d+(?:#RTD:([A-Za-z0-9+/]*={0,2}))?$/;

export function isReadableContinuation(header: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(header);
  } catch {
    return false;
  }
  const token = typeof parsed === 'object' && parsed !== null ? (parsed as { token?: unknown }).token : undefined;
  const match = typeof token === 'string' ? TOKEN.exec(token) : null;
  if (!match) return false;
  if (match[1] === undefined) return true;
  try {
    return Array.isArray(JSON.parse(Buffer.from(match[1], 'base64').toString('utf8')));
  } catch {
    return false;
  }
}
