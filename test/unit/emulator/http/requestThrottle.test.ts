import { RequestThrottle } from '../../../../emulator/http/requestThrottle';

/** A request whose work ends when the test says. */
function held() {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  const started = { value: false };
  return { work: () => ((started.value = true), done), release, started };
}

describe('RequestThrottle (the host HTTP request queue)', () => {
  it('runs up to maxConcurrentRequests at once and the rest in arrival order as slots free', async () => {
    const throttle = new RequestThrottle({ maxConcurrentRequests: 2 });
    const requests = [held(), held(), held(), held()];
    const admitted = requests.map((r) => throttle.admit(r.work));
    expect(admitted.every((a) => a !== undefined)).toBe(true);
    expect(requests.map((r) => r.started.value)).toEqual([true, true, false, false]);
    requests[1]!.release();
    await admitted[1];
    await Promise.resolve();
    expect(requests.map((r) => r.started.value)).toEqual([true, true, true, false]);
    requests[0]!.release();
    requests[2]!.release();
    await Promise.all([admitted[0], admitted[2]]);
    await Promise.resolve();
    expect(requests[3]!.started.value).toBe(true);
    requests[3]!.release();
    await admitted[3];
  });

  it('refuses a request once maxOutstandingRequests are held, running or waiting, and takes one again after', async () => {
    const throttle = new RequestThrottle({ maxOutstandingRequests: 2, maxConcurrentRequests: 1 });
    const [a, b, c] = [held(), held(), held()];
    const first = throttle.admit(a.work);
    const second = throttle.admit(b.work);
    expect(throttle.admit(c.work)).toBeUndefined();
    expect(c.started.value).toBe(false);
    a.release();
    await first;
    await Promise.resolve();
    expect(b.started.value).toBe(true);
    const third = throttle.admit(c.work);
    expect(third).toBeDefined();
    b.release();
    c.release();
    await Promise.all([second, third]);
  });

  it('frees the slot of a request that failed, and passes the failure on', async () => {
    const throttle = new RequestThrottle({ maxOutstandingRequests: 1 });
    await expect(throttle.admit(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(
      throttle.admit(() => {
        throw new Error('thrown');
      }),
    ).rejects.toThrow('thrown');
    const ok = held();
    const admitted = throttle.admit(ok.work);
    expect(admitted).toBeDefined();
    ok.release();
    await admitted;
  });
});
