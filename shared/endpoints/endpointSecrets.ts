/** The secrets endpoint auth needs, from configuration, with a clear error when one is missing. */
import { timingSafeEqual } from 'node:crypto';
import { getConfig } from '../config';
import { SibylError } from '../errors';
import { createAadValidator, toAadSettings, type AadValidator } from './auth/aadValidator';
import type { AuthMode, AuthValidators } from './auth/authenticateRequest';

function required(value: string | undefined, setting: string): string {
  if (!value)
    throw new SibylError(
      'InternalError',
      `${setting} is not configured; set it in the app settings (a Key Vault reference in Azure).`,
    );
  return value;
}

export function keyEncryptionKey(): string {
  return required(getConfig().keyEncryptionKey, 'SIBYL_KEY_ENCRYPTION_KEY');
}

let aad: AadValidator | undefined;

/** Validators for data-plane credentials; the AAD one only when its settings are complete. */
export function authValidators(): AuthValidators {
  const config = getConfig();
  if (!aad) {
    const settings = toAadSettings(config.aad);
    if (typeof settings !== 'string') aad = createAadValidator(settings);
  }
  return { tokenSigningKey: config.tokenSigningKey, aad };
}

/** Why endpoints of an auth mode could not be called on this host (names the missing settings), or undefined. */
export function authModeProblem(mode: AuthMode): string | undefined {
  const config = getConfig();
  if (mode === 'token' && !config.tokenSigningKey) return 'SIBYL_TOKEN_SIGNING_KEY is not configured.';
  if (mode !== 'aad') return undefined;
  const settings = toAadSettings(config.aad);
  return typeof settings === 'string' ? settings : undefined;
}

export function tokenSigningKey(): string {
  return required(getConfig().tokenSigningKey, 'SIBYL_TOKEN_SIGNING_KEY');
}

/** Whether `presented` is the control-plane function key the app was given. */
export function isControlPlaneKey(presented: string | null | undefined): boolean {
  const expected = getConfig().controlPlaneKey;
  if (!presented || !expected) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
