import { SibylError } from '../../../../shared/errors';
import { openSecret, sealSecret } from '../../../../shared/endpoints/auth/sealSecret';

const KEK = 'k'.repeat(40);
const CONTEXT = 'endpoint:iris:primary';

function flipChar(text: string, index: number): string {
  const c = text[index] === 'A' ? 'B' : 'A';
  return text.slice(0, index) + c + text.slice(index + 1);
}

describe('sealSecret / openSecret', () => {
  it('round-trips a secret and never stores it in clear', () => {
    const sealed = sealSecret('the-secret-value', KEK, CONTEXT);
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('the-secret-value');
    expect(openSecret(sealed, KEK, CONTEXT)).toBe('the-secret-value');
  });

  it('uses a fresh IV each time', () => {
    expect(sealSecret('same', KEK, CONTEXT)).not.toBe(sealSecret('same', KEK, CONTEXT));
  });

  it('refuses an altered ciphertext, IV or tag', () => {
    const sealed = sealSecret('the-secret-value', KEK, CONTEXT);
    const parts = sealed.split('.');
    for (const index of [1, 2, 3]) {
      const altered = parts.map((p, i) => (i === index ? flipChar(p, 0) : p)).join('.');
      expect(() => openSecret(altered, KEK, CONTEXT)).toThrow(/could not be decrypted|not in the sealed/);
    }
  });

  it('refuses another key or another context', () => {
    const sealed = sealSecret('the-secret-value', KEK, CONTEXT);
    expect(() => openSecret(sealed, 'x'.repeat(40), CONTEXT)).toThrow(/SIBYL_KEY_ENCRYPTION_KEY changed/);
    expect(() => openSecret(sealed, KEK, 'endpoint:other:primary')).toThrow(/could not be decrypted/);
  });

  it('refuses garbage with a clear error that names no secret', () => {
    for (const garbage of ['', 'v1.abc', 'v2.a.b.c', 'not sealed at all']) {
      let caught: unknown;
      try {
        openSecret(garbage, KEK, CONTEXT);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(SibylError);
      expect((caught as SibylError).code).toBe('InternalError');
    }
  });

  it('requires a long enough key encryption key', () => {
    expect(() => sealSecret('s', 'short', CONTEXT)).toThrow(/SIBYL_KEY_ENCRYPTION_KEY must be set to at least 32/);
    expect(() => sealSecret('s', undefined as unknown as string, CONTEXT)).toThrow(/SIBYL_KEY_ENCRYPTION_KEY/);
  });
});
