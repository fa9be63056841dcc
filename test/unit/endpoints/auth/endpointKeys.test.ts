import * as crypto from 'node:crypto';
import {
  generateEndpointKeys,
  regenerateKey,
  revealKeys,
  verifyKey,
} from '../../../../shared/endpoints/auth/endpointKeys';

// A pass-through spy, to see that verification goes through the constant-time compare.
jest.mock('node:crypto', () => {
  const actual = jest.requireActual<typeof crypto>('node:crypto');
  return { ...actual, timingSafeEqual: jest.fn(actual.timingSafeEqual) };
});

const KEK = 'k'.repeat(40);

describe('endpoint keys', () => {
  it('generates two distinct 256-bit base64url keys and stores only hashes and sealed values', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const { keys, stored } = generateEndpointKeys('iris', KEK, now);
    for (const value of [keys.primaryKey, keys.secondaryKey]) {
      expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(value, 'base64url')).toHaveLength(32);
    }
    expect(keys.primaryKey).not.toBe(keys.secondaryKey);
    const json = JSON.stringify(stored);
    expect(json).not.toContain(keys.primaryKey);
    expect(json).not.toContain(keys.secondaryKey);
    expect(stored.primary.prefix).toBe(keys.primaryKey.slice(0, 6));
    expect(stored.primary.hash).toBe(crypto.createHash('sha256').update(keys.primaryKey).digest('base64url'));
    expect(stored.secondary.createdAt).toBe('2026-01-01T00:00:00.000Z');
  });

  it('reveals the values from the sealed copies', () => {
    const { keys, stored } = generateEndpointKeys('iris', KEK);
    expect(revealKeys(stored, 'iris', KEK)).toEqual(keys);
    expect(() => revealKeys(stored, 'other-endpoint', KEK)).toThrow(/could not be decrypted/);
  });

  it('says which key matched, and refuses anything else', () => {
    const { keys, stored } = generateEndpointKeys('iris', KEK);
    expect(verifyKey(keys.primaryKey, stored)).toBe('primary');
    expect(verifyKey(keys.secondaryKey, stored)).toBe('secondary');
    expect(verifyKey(keys.primaryKey.slice(0, -1), stored)).toBeUndefined();
    expect(verifyKey(`${keys.primaryKey}x`, stored)).toBeUndefined();
    expect(verifyKey('', stored)).toBeUndefined();
    expect(verifyKey(stored.primary.hash, stored)).toBeUndefined();
    expect(verifyKey(keys.primaryKey, undefined)).toBeUndefined();
    expect(verifyKey(keys.primaryKey, generateEndpointKeys('other', KEK).stored)).toBeUndefined();
  });

  it('compares digests with timingSafeEqual on equal lengths', () => {
    const spy = jest.mocked(crypto.timingSafeEqual);
    const { keys, stored } = generateEndpointKeys('iris', KEK);
    spy.mockClear();
    verifyKey(keys.secondaryKey, stored);
    verifyKey('wrong', stored);
    // Both slots are compared every time, so timing does not tell which key matched.
    expect(spy).toHaveBeenCalledTimes(4);
    for (const [a, b] of spy.mock.calls) expect((a as Buffer).length).toBe((b as Buffer).length);
  });

  it('does not crash on a damaged stored hash', () => {
    const { keys, stored } = generateEndpointKeys('iris', KEK);
    const damaged = { ...stored, primary: { ...stored.primary, hash: 'short' } };
    expect(verifyKey(keys.primaryKey, damaged)).toBeUndefined();
    expect(verifyKey(keys.secondaryKey, damaged)).toBe('secondary');
  });

  it('regenerates one key: the old value fails at once, the other key still works', () => {
    const { keys, stored } = generateEndpointKeys('iris', KEK);
    const { value, stored: next } = regenerateKey(stored, 'primary', 'iris', KEK);
    expect(value).not.toBe(keys.primaryKey);
    expect(verifyKey(keys.primaryKey, next)).toBeUndefined();
    expect(verifyKey(value, next)).toBe('primary');
    expect(verifyKey(keys.secondaryKey, next)).toBe('secondary');
    expect(next.secondary).toBe(stored.secondary);
    expect(revealKeys(next, 'iris', KEK)).toEqual({ primaryKey: value, secondaryKey: keys.secondaryKey });
    // The input is not mutated: a store that fails to persist keeps the old keys.
    expect(verifyKey(keys.primaryKey, stored)).toBe('primary');

    const second = regenerateKey(next, 'secondary', 'iris', KEK);
    expect(verifyKey(keys.secondaryKey, second.stored)).toBeUndefined();
    expect(verifyKey(value, second.stored)).toBe('primary');
  });

  it('refuses an unknown key type', () => {
    const { stored } = generateEndpointKeys('iris', KEK);
    expect(() => regenerateKey(stored, 'tertiary' as 'primary', 'iris', KEK)).toThrow(/primary' or 'secondary/);
  });
});
