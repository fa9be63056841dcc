import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClient as CliApiClient } from '../../../cli/core/apiClient';
import { describeFailure } from '../../../cli/core/cliErrors';
import { ApiError, documentedError } from '../../../shared/portable/apiClient';
import { ApiClient as WebApiClient } from '../../../web/src/api/client';

/** What the test server saw of the last request. */
let seen: { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string } = {
  headers: {},
  body: '',
};
let answer: { status: number; body: string; type?: string } = { status: 200, body: '{}' };
let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen = { method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      res.writeHead(answer.status, { 'content-type': answer.type ?? 'application/json' });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

function failureOf(promise: Promise<unknown>): Promise<ApiError> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(ApiError);
      return error as ApiError;
    },
  );
}

describe('the shared API client', () => {
  const cli = () => new CliApiClient({ url, key: 'fkey' });

  it('sends the function key, a JSON body and the query; reads the JSON answer', async () => {
    answer = { status: 201, body: '{"name":"iris"}' };
    const res = await cli().request<{ name: string }>('PUT', '/api/models/iris', {
      json: { a: 1 },
      query: { top: 5, skip: undefined },
    });
    expect(res).toMatchObject({ status: 201, body: { name: 'iris' } });
    expect(seen).toMatchObject({ method: 'PUT', url: '/api/models/iris?top=5', body: '{"a":1}' });
    expect(seen.headers).toMatchObject({ 'x-functions-key': 'fkey', 'content-type': 'application/json' });
  });

  it('sends a bearer credential instead of the key on data-plane calls', async () => {
    answer = { status: 200, body: '' };
    expect(
      (await cli().request('POST', '/api/endpoints/e/score', { bearer: 'tok', bytes: new Uint8Array([1, 2]) })).body,
    ).toBeUndefined();
    expect(seen.headers.authorization).toBe('Bearer tok');
    expect(seen.headers['x-functions-key']).toBeUndefined();
    expect(seen.headers['content-type']).toBe('application/octet-stream');
  });

  it('passes the documented error through, the same for the CLI and the dashboard', async () => {
    answer = {
      status: 404,
      body: '{"error":{"code":"ModelNotFound","message":"no iris","details":[{"target":"name","message":"x"}]}}',
    };
    for (const client of [cli(), new WebApiClient({ origin: url, key: () => 'k', onUnauthorized: () => undefined })]) {
      const error = await failureOf(client.get('/api/models/iris'));
      expect(error).toMatchObject({
        status: 404,
        code: 'ModelNotFound',
        message: 'no iris',
        details: [{ target: 'name', message: 'x' }],
        path: '/api/models/iris',
      });
    }
    expect(describeFailure(await failureOf(cli().get('/api/models/iris')))).toEqual({
      line: 'error ModelNotFound (HTTP 404): no iris [name: x]',
      exitCode: 1,
    });
  });

  it("reads the OIP's string error, and words an undocumented one in each client's way", async () => {
    answer = { status: 400, body: '{"error":"bad tensor"}' };
    expect(await failureOf(cli().get('/x'))).toMatchObject({ code: 'HTTP 400', message: 'bad tensor' });
    answer = { status: 502, body: 'upstream down', type: 'text/plain' };
    expect(await failureOf(cli().get('/x'))).toMatchObject({ status: 502, code: 'HTTP 502', message: 'upstream down' });
    const web = new WebApiClient({ origin: url, key: () => 'k', onUnauthorized: () => undefined });
    expect(await failureOf(web.get('/x'))).toMatchObject({
      status: 502,
      code: 'ServerError',
      message: '502 Bad Gateway: upstream down',
    });
  });

  it('a 401 to the function key signs the dashboard out', async () => {
    answer = { status: 401, body: '{"error":{"code":"Unauthorized","message":"bad key"}}' };
    const onUnauthorized = jest.fn();
    const web = new WebApiClient({ origin: url, key: () => 'k', onUnauthorized });
    expect(await failureOf(web.send('POST', '/api/x', { a: 1 }))).toMatchObject({ status: 401, code: 'Unauthorized' });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('refuses a 2xx body that is not JSON, and says when the server cannot be reached', async () => {
    answer = { status: 200, body: '<html>', type: 'text/html' };
    expect(await failureOf(cli().get('/x'))).toMatchObject({
      code: 'InvalidResponse',
      message: 'GET /x answered 200 with a body that is not JSON: <html>',
    });
    const down = new CliApiClient({ url: 'http://127.0.0.1:1', key: undefined });
    expect(await failureOf(down.get('/x'))).toMatchObject({
      status: 0,
      code: 'ConnectionFailed',
      message: expect.stringMatching(/^cannot reach Sibyl at http:\/\/127\.0\.0\.1:1 \(/),
    });
  });

  it('documentedError: only the documented shapes', () => {
    expect(documentedError(500, 'not json', '/p', 'HTTP 500')).toBeUndefined();
    expect(documentedError(500, '{"error":{"code":"X"}}', '/p', 'HTTP 500')).toBeUndefined();
    expect(documentedError(500, 'null', '/p', 'HTTP 500')).toBeUndefined();
    expect(documentedError(409, '{"error":{"message":"m"}}', '/p', 'HTTP 409')).toMatchObject({
      code: 'HTTP 409',
      message: 'm',
    });
  });
});
