/** The emulator over HTTP, as a child process: routing, auth levels, bad input, the Cosmos round trip. */
import * as path from 'node:path';
import { REPO_ROOT, startHost, type HostProcess } from '../../support/hostProcess';

const APP = path.join(REPO_ROOT, 'test', 'fixtures', 'hostApp');

describe('emulator HTTP front door (child process)', () => {
  let host: HostProcess;

  beforeAll(async () => {
    host = await startHost({ appDir: APP });
  });

  afterAll(async () => {
    await host?.stop();
  });

  it('routes params, optional params, constraints, catch-alls and literal precedence', async () => {
    const post = await fetch(`${host.baseUrl}/api/echo/ann/7?q=1&q=2`, {
      method: 'POST',
      body: 'hi',
      headers: { 'x-test': 'yes' },
    });
    expect(await post.json()).toEqual({
      method: 'POST',
      params: { name: 'ann', id: '7' },
      query: { q: '1,2' },
      header: 'yes',
      body: 'hi',
    });
    expect(((await (await fetch(`${host.baseUrl}/api/echo/ann`)).json()) as { params: unknown }).params).toEqual({
      name: 'ann',
    });
    expect((await fetch(`${host.baseUrl}/api/echo/ann/seven`)).status).toBe(404);
    expect(await (await fetch(`${host.baseUrl}/api/echo/special`)).json()).toEqual({ literal: true });
    expect(await (await fetch(`${host.baseUrl}/api/files/a/b/c.csv`)).json()).toEqual({ path: 'a/b/c.csv' });
  });

  // ASP.NET routing's bare 404; HomepageMiddleware for `/`; WebScriptHostHttpRoutesManager's empty route.
  it('answers wrong methods and unknown routes with an empty 404, as the host does', async () => {
    const wrong = await fetch(`${host.baseUrl}/api/echo/ann`, { method: 'DELETE' });
    expect(wrong.status).toBe(404);
    expect(await wrong.text()).toBe('');
    const unknown = await fetch(`${host.baseUrl}/api/nope`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toBe('');
  });

  it('serves an empty route at the function name, refuses reserved routes, and shows the default page at /', async () => {
    expect(await (await fetch(`${host.baseUrl}/api/emptyRoute`)).json()).toEqual({ emptyRoute: true });
    expect((await fetch(`${host.baseUrl}/api`)).status).toBe(404);
    expect((await fetch(`${host.baseUrl}/api/runtime/mine`)).status).toBe(404);
    expect(host.output()).toMatch(
      /The function 'reservedRoute' was not loaded: The specified route conflicts with one or more built in routes/,
    );
    const home = await fetch(`${host.baseUrl}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toMatch(/Functions app is up and running/);
  });

  it('enforces auth levels with the function and master keys', async () => {
    expect((await fetch(`${host.baseUrl}/api/secured`)).status).toBe(401);
    expect((await fetch(`${host.baseUrl}/api/secured`, { headers: { 'x-functions-key': 'wrong' } })).status).toBe(401);
    expect(
      (await fetch(`${host.baseUrl}/api/secured`, { headers: { 'x-functions-key': host.functionKey } })).status,
    ).toBe(200);
    expect((await fetch(`${host.baseUrl}/api/secured?code=${host.functionKey}`)).status).toBe(200);
    expect((await fetch(`${host.baseUrl}/api/needs-admin?code=${host.functionKey}`)).status).toBe(401);
    expect((await fetch(`${host.baseUrl}/api/needs-admin?code=${host.masterKey}`)).status).toBe(200);
    expect((await fetch(`${host.baseUrl}/admin/host/status`)).status).toBe(401);
  });

  it('answers malformed JSON from the app with its 400, oversize bodies with 413, and stays healthy', async () => {
    const bad = await fetch(`${host.baseUrl}/api/json`, {
      method: 'POST',
      body: '{"a":',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    const fine = await fetch(`${host.baseUrl}/api/size`, { method: 'POST', body: Buffer.alloc(1024) });
    expect(await fine.json()).toEqual({ bytes: 1024 });
    const boom = await fetch(`${host.baseUrl}/api/boom`);
    expect(boom.status).toBe(500);
    expect(await boom.text()).toBe('');
    expect((await fetch(`${host.baseUrl}/api/echo/still-up`)).status).toBe(200);
  });

  it('converts status, headers and cookies', async () => {
    const res = await fetch(`${host.baseUrl}/api/cookie`);
    expect(res.status).toBe(201);
    expect(res.headers.get('x-fixture')).toBe('yes');
    expect(res.headers.get('set-cookie')).toBe('sid=abc; max-age=60; path=/; httponly');
    expect(await res.text()).toBe('made');
  });
});

describe('body limit (child process)', () => {
  it('refuses a body over SIBYL_MAX_BODY_BYTES with 413', async () => {
    const host = await startHost({ appDir: APP, env: { SIBYL_MAX_BODY_BYTES: '2048' } });
    try {
      const res = await fetch(`${host.baseUrl}/api/size`, { method: 'POST', body: Buffer.alloc(4096) });
      expect(res.status).toBe(413);
      expect(await res.text()).toBe('');
    } finally {
      await host.stop();
    }
  });
});
