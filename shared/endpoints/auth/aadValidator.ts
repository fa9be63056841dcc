/**
 * Microsoft Entra ID access tokens (authMode `aad`): RS256 JWTs checked against the tenant's published
 * signing keys (JWKS), the configured audience, the tenant's issuer (v2.0 and v1 forms), and `nbf`/`exp`
 * with a small clock tolerance.
 *
 * One remote key set per JWKS URI is kept for the process: `jose` caches the keys, refetches when a token
 * names an unknown `kid` (Entra rotates keys) and rate-limits refetches, so a flood of forged `kid`s
 * cannot turn into a flood of requests to Entra.
 */
import type { JWTVerifyGetKey } from 'jose';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { JwtFailure } from './jwtFailure';
import { toJwtFailure } from './jwtFailure';

export interface AadSettings {
  tenantId: string;
  /** Accepted `aud` values: the app's client id and/or App ID URI (`api://…`). */
  audience: string | string[];
  /** Accepted issuer; default: the tenant's v2.0 and v1 issuers. */
  issuer?: string | string[];
  /** Default `https://login.microsoftonline.com/{tenantId}/discovery/v2.0/keys`. */
  jwksUri?: string;
  /** Allowed clock skew for `nbf`/`exp`, seconds. Default 60. */
  clockToleranceSeconds?: number;
}

/** Who called, from the token's claims. */
export interface AadPrincipal {
  ok: true;
  /** `sub`: stable per user/app and per token audience. */
  subject: string;
  /** `oid`: the user's or service principal's object id in the tenant. */
  objectId: string | undefined;
  /** `appid` (v1) or `azp` (v2): the calling application. */
  appId: string | undefined;
  tenantId: string | undefined;
  /** `roles`: the app roles granted to the caller for the audience. */
  roles: string[];
}

/** Checks one bearer token; resolves to the principal or a failure, never throws for a bad token. */
export type AadValidator = (token: string, now?: Date) => Promise<AadPrincipal | JwtFailure>;

const keySets = new Map<string, JWTVerifyGetKey>();

function keySetFor(jwksUri: string): JWTVerifyGetKey {
  let keySet = keySets.get(jwksUri);
  if (!keySet) {
    keySet = createRemoteJWKSet(new URL(jwksUri), {
      timeoutDuration: 5000,
      cooldownDuration: 30_000,
      cacheMaxAge: 10 * 60_000,
    });
    keySets.set(jwksUri, keySet);
  }
  return keySet;
}

/** The issuers Entra ID uses for `tenantId`: v2.0 tokens and v1 (`sts.windows.net`) tokens. */
export function tenantIssuers(tenantId: string): string[] {
  return [`https://login.microsoftonline.com/${tenantId}/v2.0`, `https://sts.windows.net/${tenantId}/`];
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Builds a validator for one tenant and audience.
 *
 * @example
 *   const validate = createAadValidator({ tenantId, audience: 'api://sibyl' });
 *   const result = await validate(bearer);
 *   if (result.ok) log(`caller ${result.objectId}`); else log(result.reason); // 'expired', 'wrong_audience', …
 */
export function createAadValidator(settings: AadSettings): AadValidator {
  const jwksUri = settings.jwksUri ?? `https://login.microsoftonline.com/${settings.tenantId}/discovery/v2.0/keys`;
  const keySet = keySetFor(jwksUri);
  const issuer = settings.issuer ?? tenantIssuers(settings.tenantId);
  const clockTolerance = settings.clockToleranceSeconds ?? 60;
  return async (token, now = new Date()) => {
    try {
      const { payload } = await jwtVerify(token, keySet, {
        algorithms: ['RS256'],
        issuer,
        audience: settings.audience,
        clockTolerance,
        currentDate: now,
        requiredClaims: ['exp', 'sub'],
      });
      return {
        ok: true,
        subject: String(payload.sub),
        objectId: optionalString(payload.oid),
        appId: optionalString(payload.appid) ?? optionalString(payload.azp),
        tenantId: optionalString(payload.tid),
        roles: Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [],
      };
    } catch (error) {
      return toJwtFailure(error);
    }
  };
}

/**
 * Settings for `createAadValidator` from `SibylConfig.aad`, or a sentence naming what is missing.
 * `SIBYL_AAD_AUDIENCE` may list several audiences separated by commas.
 */
export function toAadSettings(aad: {
  tenantId: string | undefined;
  audience: string | undefined;
  jwksUri: string | undefined;
  issuer: string | undefined;
}): AadSettings | string {
  const audience = (aad.audience ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  const missing = [
    ...(aad.tenantId ? [] : ['SIBYL_AAD_TENANT_ID']),
    ...(audience.length ? [] : ['SIBYL_AAD_AUDIENCE']),
  ];
  if (!aad.tenantId || missing.length)
    return `Microsoft Entra ID authentication is not configured: set ${missing.join(' and ')}.`;
  return {
    tenantId: aad.tenantId,
    audience,
    ...(aad.issuer ? { issuer: aad.issuer } : {}),
    ...(aad.jwksUri ? { jwksUri: aad.jwksUri } : {}),
  };
}
