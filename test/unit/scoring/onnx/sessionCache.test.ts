/** @jest-environment ./test/setup/ortTestEnvironment.ts */
import { identityModel } from '../../../../scripts/onnx/identityModels';
import { ModelSession, SessionClosedError } from '../../../../shared/scoring/modelSession';
import { SessionCache, SessionRemovedError, type Releasable } from '../../../../shared/scoring/sessionCache';
import { FakeSession } from '../../../support/fakeSession';

/** A loader whose completion the test controls, counting its calls. */
function gate(id: string) {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const loader = jest.fn(async () => {
    await opened;
    return new FakeSession(id);
  });
  return { loader, open };
}

const fake = (id: string) => () => Promise.resolve(new FakeSession(id));

describe('SessionCache', () => {
  it('shares one load between concurrent gets of the same key', async () => {
    const cache = new SessionCache<FakeSession>();
    const { loader, open } = gate('a');
    const waiting = Array.from({ length: 5 }, () => cache.get('a', loader));
    expect(cache.has('a')).toBe(true);
    expect(cache.peek('a')).toBeUndefined();
    open();
    const sessions = await Promise.all(waiting);
    expect(loader).toHaveBeenCalledTimes(1);
    expect(new Set(sessions).size).toBe(1);
    expect(cache.peek('a')).toBe(sessions[0]);
    await cache.get('a', loader);
    expect(loader).toHaveBeenCalledTimes(1);
  });

  it('keeps at most maxEntries, evicting and releasing the least recently used', async () => {
    const released: Array<[string, string]> = [];
    const cache = new SessionCache<FakeSession>({
      maxEntries: 2,
      onRelease: (key, _s, reason) => released.push([key, reason]),
    });
    const a = await cache.get('a', fake('a'));
    await cache.get('b', fake('b'));
    await cache.get('a', fake('a2')); // a is now the most recent
    await cache.get('c', fake('c'));
    expect(cache.keys()).toEqual(['a', 'c']);
    expect(a.released).toBe(false);
    expect(released).toEqual([['b', 'evicted']]);
    expect(cache.peek('a')).toBe(a);
  });

  it('hit marks the key most recent, after gets, deletes and evictions alike', async () => {
    const cache = new SessionCache<FakeSession>({ maxEntries: 3 });
    await cache.get('a', fake('a'));
    await cache.get('b', fake('b'));
    expect(cache.hit('a')?.id).toBe('a');
    expect(cache.hit('a')?.id).toBe('a');
    expect(cache.keys()).toEqual(['b', 'a']);
    await cache.get('b', fake('b2'));
    expect(cache.hit('a')?.id).toBe('a');
    expect(cache.keys()).toEqual(['b', 'a']);
    await cache.delete('a');
    await cache.get('c', fake('c'));
    await cache.get('a', fake('a3'));
    expect(cache.hit('b')?.id).toBe('b');
    expect(cache.keys()).toEqual(['c', 'a', 'b']);
    await cache.get('d', fake('d'));
    expect(cache.hit('c')).toBeUndefined();
    expect(cache.hit('a')?.id).toBe('a3');
    expect(cache.keys()).toEqual(['b', 'd', 'a']);
  });

  it('never evicts a load in flight or the session that just landed', async () => {
    const cache = new SessionCache<FakeSession>({ maxEntries: 1 });
    const slow = gate('slow');
    const slowLoad = cache.get('slow', slow.loader);
    const quick = await cache.get('quick', fake('quick'));
    expect(quick.released).toBe(false);
    expect(cache.size).toBe(2); // over the bound until the slow load lands
    slow.open();
    const slowSession = await slowLoad;
    expect(slowSession.released).toBe(false);
    expect(quick.released).toBe(true);
    expect(cache.keys()).toEqual(['slow']);
  });

  it('does not cache a failed load, whether it rejects or throws at once', async () => {
    const cache = new SessionCache<FakeSession>();
    await expect(cache.get('a', () => Promise.reject(new Error('blob missing')))).rejects.toThrow('blob missing');
    expect(cache.has('a')).toBe(false);
    await expect(
      cache.get('a', () => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(cache.has('a')).toBe(false);
    await expect(cache.get('a', fake('a'))).resolves.toBeInstanceOf(FakeSession);
  });

  it('delete releases the session; deleting during a load releases it when it lands', async () => {
    const cache = new SessionCache<FakeSession>();
    const a = await cache.get('a', fake('a'));
    await expect(cache.delete('a')).resolves.toBe(true);
    expect(a.released).toBe(true);
    await expect(cache.delete('a')).resolves.toBe(false);

    const { loader, open } = gate('b');
    const loading = cache.get('b', loader);
    await cache.delete('b');
    open();
    await expect(loading).rejects.toBeInstanceOf(SessionRemovedError);
    const landed = (await loader.mock.results[0]!.value) as FakeSession;
    expect(landed.released).toBe(true);
    expect(cache.has('b')).toBe(false);
  });

  it('clear releases everything; a failing release is reported, not thrown', async () => {
    const failures: unknown[] = [];
    const cache = new SessionCache<Releasable>({ onRelease: (_k, _s, _r, error) => failures.push(error) });
    const good = await cache.get('good', fake('good'));
    await cache.get('bad', () => Promise.resolve({ release: () => Promise.reject(new Error('native')) }));
    await cache.clear();
    expect(cache.size).toBe(0);
    expect((good as FakeSession).released).toBe(true);
    expect(failures.map((e) => (e as Error | undefined)?.message)).toEqual([undefined, 'native']);
  });

  it('refuses a bound below 1', () => {
    expect(() => new SessionCache({ maxEntries: 0 })).toThrow(RangeError);
  });

  it('holds real ModelSessions: an evicted one is released and refuses runs', async () => {
    const cache = new SessionCache({ maxEntries: 1 });
    const load = async () => {
      const s = await ModelSession.load(identityModel('INT32'));
      await s.warm();
      return s;
    };
    const first = await cache.get('dep-1', load);
    expect(first.ready).toBe(true);
    await cache.get('dep-2', load);
    const feed = { name: 'input', datatype: 'INT32' as const, shape: [1, 3], data: new Int32Array([1, 2, 3]) };
    await expect(first.run([feed])).rejects.toBeInstanceOf(SessionClosedError);
    const deadline = Date.now() + 5000;
    while (first.state !== 'released' && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    expect(first.state).toBe('released');
    await cache.clear();
  });
});
