import * as net from 'node:net';
import { app } from '@azure/functions';
import { describeFunctions, type HttpFunction } from '../../../../emulator/functionCatalog';
import { FrontDoor } from '../../../../emulator/http/frontDoor';
import { silentLogger } from '../../../../emulator/hostLogger';

const keys = { masterKey: 'master-key-value', functionKey: 'function-key-value', durableKey: 'durable-key-value' };

function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(text));
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString()));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}

describe('front door', () => {
  let door: FrontDoor;
  let base: string;

  beforeAll(async () => {
    app.http('fdEcho', {
      route: 'things/{id:int}',
      methods: ['GET', 'POST'],
      authLevel: 'anonymous',
      handler: async (req) => ({ jsonBody: { id: req.params.id, q: req.query.get('q'), body: await req.text() } }),
    });
    app.http('fdSecured', {
      route: 'secured',
      methods: ['GET'],
      authLevel: 'function',
      handler: () => ({ body: 'ok' }),
    });
    app.http('fdAdmin', {
      route: 'admin-level',
      methods: ['GET'],
      authLevel: 'admin',
      handler: () => ({ body: 'admin' }),
    });
    app.http('fdThrows', {
      route: 'throws',
      methods: ['GET'],
      handler: () => {
        throw new Error('internal secret');
      },
    });
    // The cookies of azure-functions-nodejs-e2e-tests' `httpCookies` function, maxAge given as a string included.
    app.http('fdE2eCookies', {
      route: 'e2e-cookies',
      methods: ['GET'],
      handler: () => ({
        cookies: [
          { name: 'mycookie', value: 'myvalue', maxAge: 200000 },
          { name: 'mycookie2', value: 'myvalue', path: '/', maxAge: '200000' as unknown as number },
          { name: 'mycookie3-expires', value: 'myvalue3-expires', maxAge: 0 },
          { name: 'mycookie4-samesite-lax', value: 'myvalue', sameSite: 'Lax' },
          { name: 'mycookie5-samesite-strict', value: 'myvalue', sameSite: 'Strict' },
        ],
      }),
    });
    app.http('fdCookie', {
      route: 'cookie',
      methods: ['GET'],
      handler: () => ({
        status: 201,
        cookies: [{ name: 'sid', value: 'v', httpOnly: true, sameSite: 'Lax' }],
        body: 'c',
      }),
    });
    const functions = describeFunctions().filter(
      (f): f is HttpFunction => f.kind === 'http' && f.name.startsWith('fd'),
    );
    door = new FrontDoor({
      functions,
      routePrefix: 'api',
      keys,
      authEnabled: true,
      maxBodyBytes: 1024,
      log: silentLogger,
    });
    const port = await door.listen(0);
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(() => door.close());

  it('routes with params, constraints and the query', async () => {
    const res = await fetch(`${base}/api/things/5?q=a&q=b`, { method: 'POST', body: 'hi' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: '5', q: 'a,b', body: 'hi' });
    expect((await fetch(`${base}/api/things/five`)).status).toBe(404);
  });

  // ASP.NET routing ends with a bare 404 (no body) when no route matches the path and method; the
  // method constraint (HttpMethodRouteConstraint) treats HEAD and OPTIONS like any other method.
  it('answers unknown routes, wrong methods, HEAD and OPTIONS of GET routes with an empty 404', async () => {
    for (const [path, method] of [
      ['/api/nothing-here', 'GET'],
      ['/api/things/5', 'DELETE'],
      ['/api/things/5', 'HEAD'],
      ['/api/things/5', 'OPTIONS'],
    ] as const) {
      const res = await fetch(`${base}${path}`, { method });
      expect([method, path, res.status]).toEqual([method, path, 404]);
      expect(await res.text()).toBe('');
    }
  });

  // HomepageMiddleware: `/` that no function serves gets the host's default page.
  it('answers / with the default page when no function serves it', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html');
    expect(await res.text()).toMatch(/Functions app is up and running/);
  });

  it('enforces function and admin auth levels with header or code', async () => {
    expect((await fetch(`${base}/api/secured`)).status).toBe(401);
    const wrong = await fetch(`${base}/api/secured`, { headers: { 'x-functions-key': 'nope' } });
    // FunctionInvocationMiddleware answers UnauthorizedResult: 401 with no body.
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toBe('');
    expect((await fetch(`${base}/api/secured`, { headers: { 'x-functions-key': keys.functionKey } })).status).toBe(200);
    expect((await fetch(`${base}/api/secured?code=${keys.functionKey}`)).status).toBe(200);
    expect((await fetch(`${base}/api/secured?code=${keys.masterKey}`)).status).toBe(200);
    expect((await fetch(`${base}/api/admin-level?code=${keys.functionKey}`)).status).toBe(401);
    expect((await fetch(`${base}/api/admin-level?code=${keys.masterKey}`)).status).toBe(200);
  });

  it('refuses oversize bodies with 413, by declared length and while streaming', async () => {
    const declared = await fetch(`${base}/api/things/1`, { method: 'POST', body: 'x'.repeat(2048) });
    // Kestrel's MaxRequestBodySize: 413 with no body.
    expect(declared.status).toBe(413);
    expect(await declared.text()).toBe('');
    const chunked = await rawRequest(
      Number(new URL(base).port),
      'POST /api/things/1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n' +
        `800\r\n${'y'.repeat(2048)}\r\n0\r\n\r\n`,
    );
    expect(chunked).toMatch(/^HTTP\/1.1 413/);
  });

  it('answers a malformed URL with 400 and stays up', async () => {
    const answer = await rawRequest(
      Number(new URL(base).port),
      'GET /api/things/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1.1 400/);
    expect((await fetch(`${base}/api/things/2`)).status).toBe(200);
  });

  // ExceptionMiddleware: a failed invocation is a 500 with no body; the error goes to the log only.
  it('hides a function failure behind an empty 500', async () => {
    const res = await fetch(`${base}/api/throws`);
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('');
  });

  // RpcHttpCookieConverter + ResponseCookies.Append (non-streaming): lower-case attributes, path=/ by default.
  it('turns cookies into Set-Cookie headers as the host writes them', async () => {
    const res = await fetch(`${base}/api/cookie`);
    expect(res.status).toBe(201);
    expect(res.headers.get('set-cookie')).toBe('sid=v; path=/; samesite=lax; httponly');
    // What the e2e suite's "Cookies" test expects of the host without HTTP streaming.
    const e2e = await fetch(`${base}/api/e2e-cookies`);
    expect(e2e.headers.get('set-cookie')).toBe(
      [
        'mycookie=myvalue; max-age=200000; path=/',
        'mycookie2=myvalue; max-age=200000; path=/',
        'mycookie3-expires=myvalue3-expires; max-age=0; path=/',
        'mycookie4-samesite-lax=myvalue; path=/; samesite=lax',
        'mycookie5-samesite-strict=myvalue; path=/; samesite=strict',
      ].join(', '),
    );
    expect(await e2e.text()).toBe('');
  });
});

describe('front door without a homepage', () => {
  it('answers / with 204 when AzureWebJobsDisableHomepage is set', async () => {
    const door = new FrontDoor({
      functions: [],
      routePrefix: 'api',
      keys,
      authEnabled: true,
      maxBodyBytes: 1024,
      homepageDisabled: true,
      log: silentLogger,
    });
    const port = await door.listen(0);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`);
      expect(res.status).toBe(204);
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    } finally {
      await door.close();
    }
  });
});
