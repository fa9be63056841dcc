/**
 * Endpoint tokens (authMode `token`, Azure ML's `aml_token`): short-lived HS256 JWTs that Sibyl issues
 * from `POST api/endpoints/{name}/token` and checks on the data plane.
 *
 * The audience names the endpoint, so a token of endpoint A fails on endpoint B. The `gen` claim binds
 * the token to the endpoint's generation (`EndpointDoc.generation`), which changes when the endpoint is
 * re-created under the same name, a key is regenerated or the auth mode changes: a token outlives none
 * of those. A token obtained with a token expires no later than the one it came from. Tokens live one hour;
 * clients should refresh after 30 minutes (Azure ML documents `refreshAfterTimeUtc` but no number).
 * `expiryTimeUtc` and `refreshAfterTimeUtc` are Unix seconds, as in Azure ML's `EndpointAuthToken`.
 */
import { randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { SibylError } from '../../errors';
import type { JwtFailure } from './jwtFailure';
import { jwtFailure, toJwtFailure } from './jwtFailure';

export const TOKEN_ISSUER = 'sibyl';
/** The claim carrying the endpoint generation a token was issued for. */
export const GENERATION_CLAIM = 'gen';
export const TOKEN_LIFETIME_SECONDS = 3600;
export const TOKEN_REFRESH_AFTER_SECONDS = 1800;
const MIN_SIGNING_KEY_CHARS = 32;

/** The answer of `POST api/endpoints/{name}/token` (a wire format: changing it breaks clients). */
export interface EndpointToken {
  accessToken: string;
  tokenType: 'Bearer';
  /** Unix seconds (UTC) after which the token is refused. */
  expiryTimeUtc: number;
  /** Unix seconds (UTC) after which a client should get a new token. */
  refreshAfterTimeUtc: number;
}

export interface VerifiedEndpointToken {
  ok: true;
  /** The token's `jti`. */
  tokenId: string;
  /** Who obtained the token (`sub`), when the issuer recorded it. */
  subject: string | undefined;
  expiresAt: Date;
}

/** The `aud` of tokens for `endpointName`. */
export function tokenAudience(endpointName: string): string {
  return `${TOKEN_ISSUER}:endpoint:${endpointName}`;
}

function secretOf(signingKey: string): Uint8Array {
  if (typeof signingKey !== 'string' || signingKey.length < MIN_SIGNING_KEY_CHARS) {
    throw new SibylError(
      'InternalError',
      `SIBYL_TOKEN_SIGNING_KEY must be set to at least ${MIN_SIGNING_KEY_CHARS} characters to issue or check endpoint tokens.`,
    );
  }
  return new TextEncoder().encode(signingKey);
}

/**
 * Issues a token for `endpointName`, valid one hour from `now`.
 *
 * @example
 *   const token = await issueToken('iris', config.tokenSigningKey, new Date(), { subject: 'key:primary' });
 *   // → { accessToken: 'eyJ…', tokenType: 'Bearer', expiryTimeUtc: 1767229200, refreshAfterTimeUtc: 1767227400 }
 */
export async function issueToken(
  endpointName: string,
  signingKey: string,
  now = new Date(),
  options: {
    subject?: string;
    /** The endpoint generation the token is valid for (see `GENERATION_CLAIM`). */
    generation?: string;
    /** A bound the expiry may not pass: the expiry of the token this one is obtained with. */
    notAfter?: Date;
  } = {},
): Promise<EndpointToken> {
  const secret = secretOf(signingKey);
  const issuedAt = Math.floor(now.getTime() / 1000);
  const cap = options.notAfter ? Math.floor(options.notAfter.getTime() / 1000) : Infinity;
  const expiryTimeUtc = Math.min(issuedAt + TOKEN_LIFETIME_SECONDS, cap);
  const jwt = new SignJWT(options.generation ? { [GENERATION_CLAIM]: options.generation } : {})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(TOKEN_ISSUER)
    .setAudience(tokenAudience(endpointName))
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiryTimeUtc)
    .setJti(randomUUID());
  if (options.subject) jwt.setSubject(options.subject);
  return {
    accessToken: await jwt.sign(secret),
    tokenType: 'Bearer',
    expiryTimeUtc,
    refreshAfterTimeUtc: Math.min(issuedAt + TOKEN_REFRESH_AFTER_SECONDS, expiryTimeUtc),
  };
}

/**
 * Checks a token presented to `endpointName`: signature first, then issuer, audience and expiry at `now`.
 * Returns the token's identity, or a failure with a reason and a message that never quotes the token.
 *
 * @example
 *   const result = await verifyToken(bearer, 'iris', config.tokenSigningKey);
 *   if (!result.ok) throw unauthorized(result.message); // result.reason: 'expired' | 'wrong_audience' | …
 */
export async function verifyToken(
  token: string,
  endpointName: string,
  signingKey: string,
  now = new Date(),
  /** The endpoint's current generation; a token for another one is refused. */
  generation?: string,
): Promise<VerifiedEndpointToken | JwtFailure> {
  const secret = secretOf(signingKey);
  try {
    const { payload } = await jwtVerify(token, secret, {
      algorithms: ['HS256'],
      issuer: TOKEN_ISSUER,
      audience: tokenAudience(endpointName),
      requiredClaims: ['iat', 'exp', 'jti'],
      currentDate: now,
    });
    if (generation !== undefined && payload[GENERATION_CLAIM] !== generation) {
      return jwtFailure(
        'wrong_audience',
        `The bearer token was issued for an earlier version of endpoint '${endpointName}' ` +
          `(since re-created, its keys regenerated or its auth mode changed); ` +
          `get a new token.`,
      );
    }
    return {
      ok: true,
      tokenId: String(payload.jti),
      subject: payload.sub,
      expiresAt: new Date((payload.exp ?? 0) * 1000),
    };
  } catch (error) {
    const failure = toJwtFailure(error);
    if (failure.reason === 'wrong_audience')
      return jwtFailure('wrong_audience', `The bearer token was issued for another endpoint, not '${endpointName}'.`);
    // With a symmetric key there is nothing to fetch, so any other error is a broken token.
    return failure.reason === 'keys_unavailable' ? jwtFailure('malformed') : failure;
  }
}
