/**
 * host.json's `extensions.http` request throttle and custom headers, over HTTP (test/fixtures/throttledApp:
 * `maxConcurrentRequests` 1, `maxOutstandingRequests` 2, two custom headers).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, startHost, tempDir, type HostProcess } from '../../support/hostProcess';
import { pollUntil } from '../../support/poll';

const APP = path.join(REPO_ROOT, 'test', 'fixtures', 'throttledApp');

describe('the host.json HTTP throttle and custom headers (child process)', () => {
  let host: HostProcess;
  const releaseDir = tempDir('release');

  beforeAll(async () => {
    host = await startHost({ appDir: APP, env: { THROTTLE_RELEASE_DIR: releaseDir } });
  });

  afterAll(async () => {
    for (const name of ['a', 'b', 'c']) fs.writeFileSync(path.join(releaseDir, name), '');
    await host?.stop();
  });

  const get = (route: string, headers: Record<string, string> = {}) => fetch(`${host.baseUrl}/${route}`, { headers });

  it("adds each custom header the answer does not set itself, the function's own value winning", async () => {
    const framed = await get('api/framed');
    expect(framed.status).toBe(200);
    expect(framed.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(framed.headers.get('x-content-type-options')).toBe('nosniff');
    // The host's own answers past the throttle carry them too: no route, no key.
    for (const answer of [await get('api/nope'), await get('api/secret')]) {
      expect([
        answer.status,
        answer.headers.get('x-frame-options'),
        answer.headers.get('x-content-type-options'),
      ]).toEqual([answer.status === 404 ? 404 : 401, 'DENY', 'nosniff']);
    }
    // The default page comes before the custom headers in the host's pipeline.
    const home = await get('');
    expect([home.status, home.headers.get('x-frame-options')]).toEqual([200, null]);
  });

  it('runs one request at a time, queues one more, and answers the rest 429 until a slot frees', async () => {
    const first = get('api/hold/a');
    await pollUntil(() => host.output().includes('holding a'), 'the first request to run');
    // Two more at once: the queue holds two (one running, one waiting), so one of them is refused at once.
    const more = ['b', 'c'].map((name) => get(`api/hold/${name}`));
    const refused = await Promise.race(
      more.map((answer) => answer.then((r) => (r.status === 429 ? r : new Promise<never>(() => undefined)))),
    );
    expect([refused.headers.get('x-function-scaleout'), refused.headers.get('x-frame-options')]).toEqual(['1', null]);
    expect(await refused.text()).toBe('');
    const queued = refused.url.endsWith('/b') ? 'c' : 'b';
    const waiting = more[queued === 'b' ? 0 : 1]!;
    expect(host.output()).not.toContain(`holding ${queued}`);
    // admin/… is not throttled.
    const status = await get('admin/host/status', { 'x-functions-key': host.masterKey });
    expect(status.status).toBe(200);
    fs.writeFileSync(path.join(releaseDir, 'a'), '');
    expect(await (await first).json()).toEqual({ released: 'a' });
    await pollUntil(() => host.output().includes(`holding ${queued}`), 'the queued request to run');
    fs.writeFileSync(path.join(releaseDir, queued), '');
    expect(await (await waiting).json()).toEqual({ released: queued });
    expect((await get('api/framed')).status).toBe(200);
  });
});
