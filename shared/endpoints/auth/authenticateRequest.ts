/**
 * Data-plane authentication of one request to a real-time endpoint, by the endpoint's `authMode`:
 * `key` (one of its two keys), `token` (a Sibyl token for this endpoint) or `aad` (a Microsoft Entra ID
 * token). Every refusal is a 401 `SibylError` with a `WWW-Authenticate: Bearer …` challenge whose message
 * says what was wrong and never contains the credential.
 */
import { SibylError } from '../../errors';
import type { AadValidator } from './aadValidator';
import { readBearer, unauthorized } from './bearerChallenge';
import type { KeyType, StoredEndpointKeys } from './endpointKeys';
import { verifyKey } from './endpointKeys';
import { verifyToken } from './endpointTokens';
import type { JwtFailure } from './jwtFailure';

export type AuthMode = 'key' | 'token' | 'aad';

/** What authentication needs to know about the endpoint (a slice of its stored document). */
export interface EndpointAuthInfo {
  name: string;
  authMode: AuthMode;
  keys: StoredEndpointKeys | undefined;
  /** The endpoint's generation: tokens issued for another one are refused (see `endpointTokens.ts`). */
  generation?: string;
  /** `aad` only: object ids (`oid`) allowed to call; empty or absent allows any. */
  allowedPrincipals?: string[];
  /** `aad` only: app roles (`roles` claim), any one of which allows a call; empty or absent allows any. */
  allowedRoles?: string[];
}

/** The means of checking credentials; each is needed only by the modes that use it. */
export interface AuthValidators {
  /** HS256 secret of endpoint tokens (`SIBYL_TOKEN_SIGNING_KEY`, or the locally generated one). */
  tokenSigningKey?: string;
  /** Entra ID validator, from `createAadValidator(toAadSettings(config.aad))`. */
  aad?: AadValidator;
  /** Clock for expiry checks; default the current time. */
  now?: Date;
}

/** Who is calling. Safe to log: it holds no secret. */
export type Principal =
  | { kind: 'key'; keyType: KeyType }
  | { kind: 'token'; tokenId: string; subject: string | undefined; expiresAt: Date }
  | {
      kind: 'aad';
      subject: string;
      objectId: string | undefined;
      appId: string | undefined;
      tenantId: string | undefined;
      roles: string[];
    };

/** A short, non-secret name for logs and for a token's `sub`: `key:primary`, `token:<sub>`, `aad:<oid>`. */
export function describePrincipal(principal: Principal): string {
  if (principal.kind === 'key') return `key:${principal.keyType}`;
  if (principal.kind === 'token') return `token:${principal.subject ?? principal.tokenId}`;
  return `aad:${principal.objectId ?? principal.subject}`;
}

function missingHint(endpoint: EndpointAuthInfo): string {
  if (endpoint.authMode === 'key')
    return `send 'Authorization: Bearer <primaryKey or secondaryKey>' of endpoint '${endpoint.name}'`;
  if (endpoint.authMode === 'token')
    return `send 'Authorization: Bearer <token>' with a token from POST api/endpoints/${endpoint.name}/token`;
  return `send 'Authorization: Bearer <Microsoft Entra ID access token>' for endpoint '${endpoint.name}'`;
}

function checkKey(endpoint: EndpointAuthInfo, credential: string): Principal {
  const keyType = verifyKey(credential, endpoint.keys);
  if (!keyType)
    throw unauthorized(
      `The key is not a current key of endpoint '${endpoint.name}' (it may have been regenerated).`,
      'invalid_token',
    );
  return { kind: 'key', keyType };
}

function refuse(failure: JwtFailure): never {
  if (failure.reason === 'keys_unavailable') {
    throw new SibylError(
      'ServiceUnavailable',
      'The Microsoft Entra ID signing keys could not be fetched to check the token; try again shortly.',
      undefined,
      { 'Retry-After': '30' },
    );
  }
  throw unauthorized(failure.message, 'invalid_token');
}

async function checkToken(
  endpoint: EndpointAuthInfo,
  credential: string,
  validators: AuthValidators,
): Promise<Principal> {
  if (!validators.tokenSigningKey)
    throw new SibylError(
      'InternalError',
      `Endpoint '${endpoint.name}' uses authMode 'token' but no token signing key is configured (SIBYL_TOKEN_SIGNING_KEY).`,
    );
  const result = await verifyToken(
    credential,
    endpoint.name,
    validators.tokenSigningKey,
    validators.now,
    endpoint.generation,
  );
  if (!result.ok) return refuse(result);
  return { kind: 'token', tokenId: result.tokenId, subject: result.subject, expiresAt: result.expiresAt };
}

async function checkAad(
  endpoint: EndpointAuthInfo,
  credential: string,
  validators: AuthValidators,
): Promise<Principal> {
  if (!validators.aad) {
    // Only reachable when the settings were removed after the endpoint was made (PUT refuses aad without them).
    throw new SibylError(
      'ServiceUnavailable',
      `Endpoint '${endpoint.name}' uses authMode 'aad' but Microsoft Entra ID is not configured on this Sibyl ` +
        `(SIBYL_AAD_TENANT_ID, SIBYL_AAD_AUDIENCE).`,
    );
  }
  const result = await validators.aad(credential, validators.now);
  if (!result.ok) return refuse(result);
  checkAllowed(endpoint, result.objectId, result.roles);
  return {
    kind: 'aad',
    subject: result.subject,
    objectId: result.objectId,
    appId: result.appId,
    tenantId: result.tenantId,
    roles: result.roles,
  };
}

/**
 * Per-endpoint authorization of `aad` callers (Azure ML requires a role on the endpoint): with either
 * list set, the caller must be a listed principal or hold a listed app role; otherwise 403.
 */
function checkAllowed(endpoint: EndpointAuthInfo, objectId: string | undefined, roles: readonly string[]): void {
  const principals = endpoint.allowedPrincipals ?? [];
  const allowedRoles = endpoint.allowedRoles ?? [];
  if (principals.length === 0 && allowedRoles.length === 0) return;
  if (objectId !== undefined && principals.includes(objectId)) return;
  if (roles.some((r) => allowedRoles.includes(r))) return;
  throw new SibylError(
    'Forbidden',
    `The caller${objectId ? ` (object id ${objectId})` : ''} is not allowed to call endpoint '${endpoint.name}': ` +
      "it is neither in the endpoint's allowedPrincipals nor holds one of its allowedRoles. Ask the endpoint's owner to add it.",
  );
}

/** `authenticateRequest` for an endpoint in `key` mode, which waits on nothing: the score path's common case. */
export function authenticateKey(endpoint: EndpointAuthInfo, authorization: string | null | undefined): Principal {
  return checkKey(
    endpoint,
    readBearer(authorization, () => missingHint(endpoint)),
  );
}

/**
 * Authenticates a scoring or inference request. Resolves to the caller, or throws a 401 `SibylError`
 * with `WWW-Authenticate` (503 if Entra's signing keys cannot be fetched; 500 if the mode's secret is
 * not configured).
 *
 * @example
 *   const principal = await authenticateRequest(endpoint, request.headers.get('authorization'), { tokenSigningKey, aad });
 */
export async function authenticateRequest(
  endpoint: EndpointAuthInfo,
  authorization: string | null | undefined,
  validators: AuthValidators,
): Promise<Principal> {
  const credential = readBearer(authorization, () => missingHint(endpoint));
  switch (endpoint.authMode) {
    case 'key':
      return checkKey(endpoint, credential);
    case 'token':
      return checkToken(endpoint, credential, validators);
    case 'aad':
      return checkAad(endpoint, credential, validators);
    default:
      throw new SibylError(
        'InternalError',
        `Endpoint '${endpoint.name}' has an unknown authMode; expected 'key', 'token' or 'aad'.`,
      );
  }
}

/**
 * Authenticates `POST api/endpoints/{name}/token` by a data-plane credential of the endpoint: one of its
 * keys (the bootstrap), or in `token` mode a still-valid token of the same endpoint (a refresh). A
 * control-plane function key is the caller's other way in and is checked by the route, not here.
 * `aad` endpoints issue no tokens: callers get theirs from Entra ID, so this answers 400.
 *
 * @example
 *   const principal = await authenticateTokenRequest(endpoint, request.headers.get('authorization'), { tokenSigningKey });
 *   return issueToken(endpoint.name, tokenSigningKey, new Date(), { subject: describePrincipal(principal) });
 */
export async function authenticateTokenRequest(
  endpoint: EndpointAuthInfo,
  authorization: string | null | undefined,
  validators: AuthValidators,
): Promise<Principal> {
  if (endpoint.authMode === 'aad') {
    throw new SibylError(
      'InvalidInput',
      `Endpoint '${endpoint.name}' uses authMode 'aad': get an access token from Microsoft Entra ID instead of from Sibyl.`,
    );
  }
  const credential = readBearer(
    authorization,
    `send 'Authorization: Bearer <primaryKey or secondaryKey>' of endpoint '${endpoint.name}'`,
  );
  const keyType = verifyKey(credential, endpoint.keys);
  if (keyType) return { kind: 'key', keyType };
  // A JWT has exactly two dots; a key (base64url) has none.
  if (endpoint.authMode === 'token' && credential.split('.').length === 3)
    return checkToken(endpoint, credential, validators);
  throw unauthorized(
    `The credential is not a current key of endpoint '${endpoint.name}'` +
      `${endpoint.authMode === 'token' ? ' nor a valid token for it' : ''}.`,
    'invalid_token',
  );
}
