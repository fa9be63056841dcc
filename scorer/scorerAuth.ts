/**
 * Who may call the scorer: the Function App, with the shared key or an Entra ID token for the scorer's
 * audience whose `oid` is one of `SIBYL_SCORER_ALLOWED_CALLERS` (a token for the audience alone proves
 * only membership of the tenant).
 */
import { timingSafeEqual } from 'node:crypto';
import type { ScorerConfig } from '../shared/scorerConfig';
import { createAadValidator, toAadSettings, type AadValidator } from '../shared/endpoints/auth/aadValidator';

/** Whether the caller may call; synchronous for the shared key, so the common path waits on nothing. */
export type ScorerAuthenticator = (authorization: string | undefined) => boolean | Promise<boolean>;

function sameKey(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Whether two strings are equal, in time that depends on their length only: every character is
 * compared, with no early exit (as `timingSafeEqual` does), but without a buffer made per request.
 */
function sameText(presented: string, expected: string): boolean {
  if (presented.length !== expected.length) return false;
  let difference = 0;
  for (let i = 0; i < expected.length; i++) difference |= presented.charCodeAt(i) ^ expected.charCodeAt(i);
  return difference === 0;
}

export function createScorerAuthenticator(config: ScorerConfig): ScorerAuthenticator {
  const settings = config.aad.audience ? toAadSettings(config.aad) : undefined;
  const aad: AadValidator | undefined =
    settings && typeof settings !== 'string' ? createAadValidator(settings) : undefined;
  // What the app sends, character for character: one constant-time compare settles the common case.
  const expected = config.key ? `Bearer ${config.key}` : undefined;
  const slow = async (credential: string): Promise<boolean> => {
    const result = await aad!(credential);
    return result.ok && result.objectId !== undefined && config.allowedCallers.includes(result.objectId);
  };
  return (authorization) => {
    if (expected && authorization !== undefined && sameText(authorization, expected)) return true;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) return false;
    const credential = match[1]!;
    if (config.key && sameKey(credential, config.key)) return true;
    return aad ? slow(credential) : false;
  };
}
