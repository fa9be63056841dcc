/**
 * The Bearer scheme's two ends (RFC 6750): reading `Authorization: Bearer <credential>`, and the 401 with
 * its `WWW-Authenticate` challenge. Messages and challenges never contain the presented credential.
 */
import { SibylError } from '../../errors';

export const REALM = 'sibyl';

/**
 * RFC 6750 §3.1 error codes used here. A missing credential carries none; `invalid_request` is not used
 * because RFC 6750 pairs it with 400, and the API answers 401 for every credential problem.
 */
export type BearerErrorCode = 'invalid_token';

// RFC 6750 §3: error_description may hold only %x20-21 / %x23-5B / %x5D-7E (no quote, no backslash).
function quotable(text: string): string {
  return text.replace(/[^\x20\x21\x23-\x5B\x5D-\x7E]/g, ' ');
}

/**
 * The `WWW-Authenticate` value: `Bearer realm="sibyl"`, plus `error` and `error_description` when a
 * credential was presented but refused.
 */
export function bearerChallenge(error?: { code: BearerErrorCode; description: string }): string {
  const parts = [`realm="${REALM}"`];
  if (error) parts.push(`error="${error.code}"`, `error_description="${quotable(error.description)}"`);
  return `Bearer ${parts.join(', ')}`;
}

/**
 * A 401 `SibylError` carrying the challenge.
 *
 * @example
 *   throw unauthorized('The bearer token has expired; get a new one.', 'invalid_token');
 */
export function unauthorized(message: string, errorCode?: BearerErrorCode): SibylError {
  const challenge = bearerChallenge(errorCode ? { code: errorCode, description: message } : undefined);
  return new SibylError('Unauthorized', message, undefined, { 'WWW-Authenticate': challenge });
}

// RFC 6750 §2.1 b64token, with a generous length cap (Entra tokens run to a few kB).
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const MAX_CREDENTIAL_CHARS = 16 * 1024;

const hintText = (hint: string | (() => string)) => (typeof hint === 'function' ? hint() : hint);

/**
 * The credential of a `Bearer` Authorization header, or a 401 saying what is wrong with the header.
 * `missingHint` finishes the sentence for a missing header, e.g. "send 'Authorization: Bearer <key>'"; as a
 * function it is made only for a refusal (the score path reads a header on every request).
 */
export function readBearer(authorization: string | null | undefined, missingHint: string | (() => string)): string {
  const value = typeof authorization === 'string' ? authorization.trim() : '';
  if (value === '') throw unauthorized(`Authentication is required: ${hintText(missingHint)}.`);
  const match = /^(\S+)(?:\s+(.*))?$/s.exec(value);
  // The "scheme" of a malformed header may be the secret itself, so it is never quoted back.
  if (!match || match[1]?.toLowerCase() !== 'bearer') {
    throw unauthorized(`The Authorization header must use the Bearer scheme: ${hintText(missingHint)}.`);
  }
  const credential = (match[2] ?? '').trim();
  if (credential === '')
    throw unauthorized(`The Authorization header has no credential after 'Bearer': ${hintText(missingHint)}.`);
  if (credential.length > MAX_CREDENTIAL_CHARS || !B64TOKEN.test(credential)) {
    throw unauthorized(
      'The bearer credential is malformed: it is too long or has characters a bearer token cannot contain.',
      'invalid_token',
    );
  }
  return credential;
}
