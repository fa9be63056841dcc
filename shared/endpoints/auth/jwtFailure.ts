/**
 * Why a JWT was refused, in words safe to send back: derived from `jose`'s error codes, never from the
 * token, so no credential leaks into a response or a log.
 */
import { errors } from 'jose';

export type JwtFailureReason =
  | 'malformed'
  | 'bad_signature'
  | 'unknown_key'
  | 'unsupported_algorithm'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_audience'
  | 'wrong_issuer'
  | 'missing_claim'
  | 'keys_unavailable';

export interface JwtFailure {
  ok: false;
  reason: JwtFailureReason;
  /** A sentence for `error_description` and the 401 message; never contains the token. */
  message: string;
}

const MESSAGES: Record<JwtFailureReason, string> = {
  malformed: 'The bearer token is not a well-formed signed JWT.',
  bad_signature: 'The bearer token signature is invalid: it was altered or signed with another key.',
  unknown_key: 'The bearer token was signed with a key the issuer does not publish.',
  unsupported_algorithm: 'The bearer token uses a signing algorithm that is not accepted.',
  expired: 'The bearer token has expired; get a new one.',
  not_yet_valid: 'The bearer token is not valid yet (nbf is in the future).',
  wrong_audience: 'The bearer token was issued for another audience.',
  wrong_issuer: 'The bearer token comes from an issuer that is not trusted here.',
  missing_claim: 'The bearer token lacks a required claim.',
  keys_unavailable: 'The signing keys needed to check the bearer token could not be fetched.',
};

/** Builds a failure with its standard message. */
export function jwtFailure(reason: JwtFailureReason, message = MESSAGES[reason]): JwtFailure {
  return { ok: false, reason, message };
}

/** Maps whatever `jwtVerify` threw to a failure. Anything that is not a token fault counts as `keys_unavailable`. */
export function toJwtFailure(error: unknown): JwtFailure {
  if (error instanceof errors.JWTExpired) return jwtFailure('expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing')
      return jwtFailure('missing_claim', `The bearer token lacks the required '${error.claim}' claim.`);
    if (error.claim === 'aud') return jwtFailure('wrong_audience');
    if (error.claim === 'iss') return jwtFailure('wrong_issuer');
    if (error.claim === 'nbf') return jwtFailure('not_yet_valid');
    return jwtFailure('malformed', `The bearer token's '${error.claim}' claim is invalid.`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return jwtFailure('bad_signature');
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys)
    return jwtFailure('unknown_key');
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported)
    return jwtFailure('unsupported_algorithm');
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JWKInvalid)
    return jwtFailure('malformed');
  // JWKS timeouts, non-200 answers, refused connections: the issuer's key endpoint failed, not the caller.
  return jwtFailure('keys_unavailable');
}
