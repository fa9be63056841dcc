/**
 * Endpoint keys (authMode `key`): two independent 256-bit random keys, primary and secondary, so a client
 * can move to one while the other is regenerated.
 *
 * What is stored, and why:
 * - `hash`: SHA-256 of the key. Every data-plane request is checked against the hashes only, in
 *   constant time. A fast hash is right here: the keys are 256 bits from a CSPRNG, so there is nothing to
 *   brute-force and a slow password hash (bcrypt, scrypt) would add milliseconds of CPU to every scoring
 *   request (and hand attackers a cheap CPU-exhaustion lever) while protecting nothing.
 * - `sealed`: the key value itself, AES-256-GCM encrypted (see `sealSecret.ts`), because
 *   `GET api/endpoints/{name}/keys` must return the values, as Azure ML's listKeys does. Only that
 *   control-plane route opens it; request checks never decrypt.
 * - `prefix`: the first characters of the key, for display ("key starting abc123…") and support; 36 bits
 *   of 256 reveal nothing useful.
 */
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { openSecret, sealSecret } from './sealSecret';

export type KeyType = 'primary' | 'secondary';

/** One stored key. Part of the endpoint's Cosmos document: changing it breaks stored endpoints. */
export interface StoredKey {
  /** base64url SHA-256 of the key value. */
  hash: string;
  /** Non-secret start of the key value, for display. */
  prefix: string;
  /** The key value sealed with `sealSecret` (context `endpoint:<name>:<keyType>`). */
  sealed: string;
  /** ISO time the key was generated. */
  createdAt: string;
}

export interface StoredEndpointKeys {
  primary: StoredKey;
  secondary: StoredKey;
}

/** The key values, as `GET api/endpoints/{name}/keys` answers them. */
export interface EndpointKeyValues {
  primaryKey: string;
  secondaryKey: string;
}

const KEY_BYTES = 32;
const PREFIX_CHARS = 6;

function hashKey(value: string): Buffer {
  return hash('sha256', value, 'buffer');
}

function newStoredKey(
  endpointName: string,
  keyType: KeyType,
  keyEncryptionKey: string,
  now: Date,
): { value: string; stored: StoredKey } {
  const value = randomBytes(KEY_BYTES).toString('base64url');
  const stored: StoredKey = {
    hash: hashKey(value).toString('base64url'),
    prefix: value.slice(0, PREFIX_CHARS),
    sealed: sealSecret(value, keyEncryptionKey, `endpoint:${endpointName}:${keyType}`),
    createdAt: now.toISOString(),
  };
  return { value, stored };
}

/**
 * Makes a fresh primary and secondary key for a new endpoint.
 *
 * @example
 *   const { keys, stored } = generateEndpointKeys('iris', config.keyEncryptionKey);
 *   endpointDoc.keys = stored; // persist; show `keys` once if you like
 */
export function generateEndpointKeys(
  endpointName: string,
  keyEncryptionKey: string,
  now = new Date(),
): { keys: EndpointKeyValues; stored: StoredEndpointKeys } {
  const primary = newStoredKey(endpointName, 'primary', keyEncryptionKey, now);
  const secondary = newStoredKey(endpointName, 'secondary', keyEncryptionKey, now);
  return {
    keys: { primaryKey: primary.value, secondaryKey: secondary.value },
    stored: { primary: primary.stored, secondary: secondary.stored },
  };
}

/**
 * Replaces one key. The returned `stored` must be persisted; from then on the old value fails
 * (requests are checked against the hashes) while the other key keeps working.
 *
 * @example
 *   const { value, stored } = regenerateKey(doc.keys, 'primary', 'iris', config.keyEncryptionKey);
 */
export function regenerateKey(
  stored: StoredEndpointKeys,
  keyType: KeyType,
  endpointName: string,
  keyEncryptionKey: string,
  now = new Date(),
): { value: string; stored: StoredEndpointKeys } {
  if (keyType !== 'primary' && keyType !== 'secondary')
    throw new TypeError(`keyType must be 'primary' or 'secondary'.`);
  const fresh = newStoredKey(endpointName, keyType, keyEncryptionKey, now);
  return { value: fresh.value, stored: { ...stored, [keyType]: fresh.stored } };
}

/** Opens the sealed values for `GET api/endpoints/{name}/keys`. */
export function revealKeys(
  stored: StoredEndpointKeys,
  endpointName: string,
  keyEncryptionKey: string,
): EndpointKeyValues {
  return {
    primaryKey: openSecret(stored.primary.sealed, keyEncryptionKey, `endpoint:${endpointName}:primary`),
    secondaryKey: openSecret(stored.secondary.sealed, keyEncryptionKey, `endpoint:${endpointName}:secondary`),
  };
}

function digestEquals(presented: Buffer, expected: Buffer): boolean {
  // timingSafeEqual needs equal lengths; both are SHA-256 digests unless the stored hash is damaged.
  return expected.length === presented.length && timingSafeEqual(presented, expected);
}

const decode = (storedHash: string | undefined) =>
  typeof storedHash === 'string' ? Buffer.from(storedHash, 'base64url') : Buffer.alloc(0);

/** The stored digests decoded, per stored keys object (a cached endpoint document holds one). */
const decodedDigests = new WeakMap<StoredEndpointKeys, { primary: Buffer; secondary: Buffer }>();

/**
 * Which key `presented` is, or `undefined`. Compares SHA-256 digests in constant time, and always
 * compares against both keys so the time taken does not tell which one (if any) matched.
 */
export function verifyKey(presented: string, stored: StoredEndpointKeys | undefined): KeyType | undefined {
  if (typeof presented !== 'string' || presented === '' || !stored) return undefined;
  let expected = decodedDigests.get(stored);
  if (!expected) {
    expected = { primary: decode(stored.primary?.hash), secondary: decode(stored.secondary?.hash) };
    decodedDigests.set(stored, expected);
  }
  const digest = hashKey(presented);
  const primary = digestEquals(digest, expected.primary);
  const secondary = digestEquals(digest, expected.secondary);
  return primary ? 'primary' : secondary ? 'secondary' : undefined;
}
