import * as net from 'node:net';
import { app } from '@azure/functions';
import { describeFunctions, type HttpFunction } from '../../../../emulator/functionCatalog';
import { FrontDoor } from '../../../../emulator/http/frontDoor';
import { silentLogger } from '../../../../emulator/hostLogger';

type ErrorBody = { error: { code: string; message: string } };

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
    app.http('fdSecured', { route: 'secured', methods: ['GET'], authLevel: 'function', handler: () => ({ body: 'ok' }) });
    app.http('fdAdmin', { route: 'admin-level', methods: ['GET'], authLevel: 'admin', handler: () => ({ body: 'admin' }) });
    app.http('fdThrows', {
      route: 'throws',
      methods: ['GET'],
      handler: () => {
        throw new Error('internal secret');
      },
    });
    app.http('fdCookie', {
      route: 'cookie',
      methods: ['GET'],
      handler: () => ({ status: 201, cookies: [{ name: 'sid', value: 'v', httpOnly: true, sameSite: 'Lax' }], body: 'c' }),
    });
    const functions = describeFunctions().filter((f): f is HttpFunction => f.kind === 'http' && f.name.startsWith('fd'));
    door = new FrontDoor({ functions, routePrefix: 'api', keys, authEnabled: true, maxBodyBytes: 1024, log: silentLogger });
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

  it('answers unknown routes and wrong methods with a JSON 404', async () => {
    const unknown = await fetch(`${base}/api/nothing-here`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as ErrorBody).error.code).toBe('NotFound');
    const wrong = await fetch(`${base}/api/things/5`, { method: 'DELETE' });
    expect(wrong.status).toBe(404);
    expect(((await wrong.json()) as ErrorBody).error.message).toMatch(/accepts GET, POST/);
  });

  it('handles HEAD and OPTIONS', async () => {
    const head = await fetch(`${base}/api/things/5`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const options = await fetch(`${base}/api/things/5`, { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('GET, POST, OPTIONS');
  });

  it('enforces function and admin auth levels with header or code', async () => {
    expect((await fetch(`${base}/api/secured`)).status).toBe(401);
    const wrong = await fetch(`${base}/api/secured`, { headers: { 'x-functions-key': 'nope' } });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as ErrorBody).error.code).toBe('Unauthorized');
    expect((await fetch(`${base}/api/secured`, { headers: { 'x-functions-key': keys.functionKey } })).status).toBe(200);
    expect((await fetch(`${base}/api/secured?code=${keys.functionKey}`)).status).toBe(200);
    expect((await fetch(`${base}/api/secured?code=${keys.masterKey}`)).status).toBe(200);
    expect((await fetch(`${base}/api/admin-level?code=${keys.functionKey}`)).status).toBe(401);
    expect((await fetch(`${base}/api/admin-level?code=${keys.masterKey}`)).status).toBe(200);
  });

  it('refuses oversize bodies with 413, by declared length and while streaming', async () => {
    const declared = await fetch(`${base}/api/things/1`, { method: 'POST', body: 'x'.repeat(2048) });
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as ErrorBody).error.code).toBe('PayloadTooLarge');
    const chunked = await rawRequest(
      Number(new URL(base).port),
      `POST /api/things/1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n800\r\n${'y'.repeat(2048)}\r\n0\r\n\r\n`,
    );
    expect(chunked).toMatch(/^HTTP\/1.1 413/);
  });

  it('answers a malformed URL with 400 and stays up', async () => {
    const answer = await rawRequest(Number(new URL(base).port), 'GET /api/things/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1.1 400/);
    expect(answer).toMatch(/InvalidUrl/);
    expect((await fetch(`${base}/api/things/2`)).status).toBe(200);
  });

  it('hides a function failure behind a 500 with the invocation id', async () => {
    const res = await fetch(`${base}/api/throws`);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toMatch(/internal secret/);
    expect(JSON.parse(text).error.message).toMatch(/Invocation id: [0-9a-f-]{36}/);
  });

  it('turns cookies into Set-Cookie headers', async () => {
    const res = await fetch(`${base}/api/cookie`);
    expect(res.status).toBe(201);
    expect(res.headers.get('set-cookie')).toBe('sid=v; HttpOnly; SameSite=Lax');
  });
});
