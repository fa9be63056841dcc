/** `SessionCache.replace`: the current session serves while its successor loads, then the swap is atomic. */
import { SessionCache } from '../../../../shared/scoring/sessionCache';
import { FakeSession } from '../../../support/fakeSession';

describe('SessionCache.replace', () => {
  it('keeps handing out the current session until the successor has loaded, then releases the old one', async () => {
    const cache = new SessionCache<FakeSession>();
    const old = await cache.get('d', () => Promise.resolve(new FakeSession('old')));
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    const replacing = cache.replace('d', async () => {
      await opened;
      return new FakeSession('new');
    });
    expect(await cache.get('d', () => Promise.reject(new Error('no load expected')))).toBe(old);
    open();
    const next = await replacing;
    expect(next.id).toBe('new');
    expect(await cache.get('d', () => Promise.reject(new Error('no load expected')))).toBe(next);
    await new Promise((resolve) => setImmediate(resolve));
    expect(old.released).toBe(true);
  });

  it('leaves the current session in place when the successor fails to load', async () => {
    const cache = new SessionCache<FakeSession>();
    const old = await cache.get('d', () => Promise.resolve(new FakeSession('old')));
    await expect(cache.replace('d', () => Promise.reject(new Error('bad model')))).rejects.toThrow('bad model');
    expect(cache.peek('d')).toBe(old);
    expect(old.released).toBe(false);
  });
});
