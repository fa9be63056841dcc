/**
 * The continuation tokens Sibyl hands out for paged lists (`GET api/runs`): Cosmos DB's token, wrapped
 * with a digest. Callers treat them as opaque (they follow `nextLink`). Wrapping lets a garbled, truncated
 * or made-up token be refused with the same 400 everywhere: unwrapped, Azure Cosmos DB answers such a token
 * with 400, the SDK may fail to parse it before sending anything, and the local Cosmos server serves an
 * empty page as if the list had ended.
 *
 * The digest is a checksum, not a signature: a token built by hand with a matching digest reaches Cosmos DB
 * only as the continuation of the caller's own query, whose failure is mapped to the same 400.
 *
 * Form: `<base64url of Cosmos DB's token>.<base64url of its SHA-256, first 12 bytes>`.
 */
import { createHash } from 'node:crypto';

const DIGEST_BYTES = 12;

function digestOf(cosmosToken: string): string {
  return createHash('sha256').update(cosmosToken, 'utf8').digest().subarray(0, DIGEST_BYTES).toString('base64url');
}

export function wrapPageToken(cosmosToken: string): string {
  return `${Buffer.from(cosmosToken, 'utf8').toString('base64url')}.${digestOf(cosmosToken)}`;
}

/** Cosmos DB's token inside a token `wrapPageToken` made; undefined for anything else. */
export function unwrapPageToken(token: string): string | undefined {
  const match = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(token);
  if (!match) return undefined;
  const cosmosToken = Buffer.from(match[1]!, 'base64url').toString('utf8');
  return digestOf(cosmosToken) === match[2] ? cosmosToken : undefined;
}
