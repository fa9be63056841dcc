/**
 * Encryption at rest for the few secrets Sibyl must be able to read back (endpoint key values, which
 * `GET api/endpoints/{name}/keys` returns).
 *
 * AES-256-GCM: authenticated, so a changed byte fails to open instead of yielding a wrong secret. The
 * 256-bit key is derived with HKDF-SHA256 from the `SIBYL_KEY_ENCRYPTION_KEY` setting (Key Vault in
 * Azure), so the setting can be any long random string. Each seal uses a fresh 96-bit IV. A `context`
 * (e.g. `endpoint:iris:primary`) is bound in as additional authenticated data: a sealed value copied to
 * another endpoint or key slot does not open there.
 *
 * Sealed form (stored in Cosmos; changing it breaks stored endpoints): `v1.<iv>.<ciphertext>.<tag>`,
 * each part base64url. The version prefix leaves room for a later key rotation scheme.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { SibylError } from '../../errors';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const MIN_KEY_CHARS = 32;

function deriveKey(keyEncryptionKey: string): Buffer {
  if (typeof keyEncryptionKey !== 'string' || keyEncryptionKey.length < MIN_KEY_CHARS) {
    throw new SibylError(
      'InternalError',
      `SIBYL_KEY_ENCRYPTION_KEY must be set to at least ${MIN_KEY_CHARS} characters to store endpoint keys.`,
    );
  }
  return Buffer.from(hkdfSync('sha256', keyEncryptionKey, 'sibyl', 'sibyl/sealSecret/v1', 32));
}

/**
 * Encrypts `plaintext` for storage.
 *
 * @example
 *   const sealed = sealSecret(primaryKey, config.keyEncryptionKey, 'endpoint:iris:primary');
 */
export function sealSecret(plaintext: string, keyEncryptionKey: string, context: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(keyEncryptionKey), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, ...[iv, ciphertext, cipher.getAuthTag()].map((part) => part.toString('base64url'))].join('.');
}

/**
 * Decrypts what `sealSecret` produced with the same key and context. Throws an `InternalError` (a stored
 * secret that does not open is a server fault, never the caller's) that names no secret material.
 */
export function openSecret(sealed: string, keyEncryptionKey: string, context: string): string {
  const key = deriveKey(keyEncryptionKey);
  const parts = typeof sealed === 'string' ? sealed.split('.') : [];
  const [iv, ciphertext, tag] = parts.slice(1).map((part) => Buffer.from(part, 'base64url'));
  if (
    parts.length !== 4 ||
    parts[0] !== VERSION ||
    iv?.length !== IV_BYTES ||
    !ciphertext ||
    tag?.length !== TAG_BYTES
  ) {
    throw new SibylError('InternalError', `A stored secret (${context}) is not in the sealed '${VERSION}' form.`);
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    throw new SibylError(
      'InternalError',
      `A stored secret (${context}) could not be decrypted: it was altered, or SIBYL_KEY_ENCRYPTION_KEY changed since it was stored.`,
    );
  }
}
