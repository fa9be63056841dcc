/**
 * The HTTP funnel and the body readers, driven with the library's own `HttpRequest` and
 * `InvocationContext` (as the host builds them), not look-alike objects.
 */
import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { Type } from '@sinclair/typebox';
import { httpHandler, type SibylHttpHandler } from '../../../functions/http/httpHandler';
import { originOf, readBody, readBytes, readJson } from '../../../functions/http/requestBody';

function request(
  init: { method?: string; url?: string; body?: string; headers?: Record<string, string> } = {},
): HttpRequest {
  return new HttpRequest({
    method: init.method ?? 'POST',
    url: init.url ?? 'http://127.0.0.1:7071/api/things',
    headers: { 'content-type': 'application/json', ...init.headers },
    ...(init.body === undefined ? {} : { body: { string: init.body } }),
  });
}

function context(): { context: InvocationContext; lines: string[] } {
  const lines: string[] = [];
  const ctx = new InvocationContext({
    functionName: 'test',
    invocationId: 'i-1',
    logHandler: (_level, ...args) => lines.push(args.join(' ')),
  });
  return { context: ctx, lines };
}

async function run(handler: SibylHttpHandler, req: HttpRequest, errorStyle?: 'sibyl' | 'oip') {
  const { context: ctx, lines } = context();
  // httpHandler always answers an HttpResponseInit (it never builds an HttpResponse).
  const answer = (await httpHandler(handler, { errorStyle })(req, ctx)) as HttpResponseInit;
  return { answer, lines, headers: new Headers(answer.headers) };
}

// The body readers consult the app's settings (the request size limit); these are the least they need.
const LIMIT = 64 * 1024;
const SETTINGS = {
  AzureWebJobsStorage: 'UseDevelopmentStorage=true',
  COSMOS_ENDPOINT: 'https://127.0.0.1:8081',
  SIBYL_MAX_REQUEST_BYTES: String(LIMIT),
};
const saved = Object.fromEntries(Object.keys(SETTINGS).map((k) => [k, process.env[k]]));
beforeAll(() => Object.assign(process.env, SETTINGS));
afterAll(() => {
  for (const [k, v] of Object.entries(saved))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
});

const Thing = Type.Object({ name: Type.String({ minLength: 1 }) }, { additionalProperties: false });

describe('httpHandler with real HttpRequests', () => {
  it('answers what the handler returns, with the client request id and one log line', async () => {
    const echo: SibylHttpHandler = async (req) => ({ status: 201, jsonBody: await readBody(req, Thing, 'thing') });
    const { answer, lines, headers } = await run(
      echo,
      request({ body: '{"name":"a"}', headers: { 'x-ms-client-request-id': 'req-7' } }),
    );
    expect(answer).toMatchObject({ status: 201, jsonBody: { name: 'a' } });
    expect(headers.get('x-ms-request-id')).toBe('req-7');
    expect(lines).toEqual([expect.stringMatching(/^POST \/api\/things 201 [\d.]+ms request=req-7$/)]);
  });

  it("keeps the handler's headers and sets the request id over one it set itself", async () => {
    const req = () => request({ body: '{}', headers: { 'x-ms-client-request-id': 'req-8' } });
    const plain: SibylHttpHandler = () => Promise.resolve({ headers: { 'azureml-model-deployment': 'blue' } });
    const own: SibylHttpHandler = () => Promise.resolve({ headers: { 'X-Ms-Request-Id': 'mine', a: 'b' } });
    const typed: SibylHttpHandler = () => Promise.resolve({ headers: new Headers({ a: 'c' }) });
    const answers = await Promise.all([plain, own, typed].map(async (h) => (await run(h, req())).headers));
    expect([...answers[0]!]).toEqual([
      ['azureml-model-deployment', 'blue'],
      ['x-ms-request-id', 'req-8'],
    ]);
    expect([...answers[1]!]).toEqual([
      ['a', 'b'],
      ['x-ms-request-id', 'req-8'],
    ]);
    expect([...answers[2]!]).toEqual([
      ['a', 'c'],
      ['x-ms-request-id', 'req-8'],
    ]);
  });

  it('answers malformed and invalid bodies with 400 in the documented shape', async () => {
    const handler: SibylHttpHandler = async (req) => ({ jsonBody: await readBody(req, Thing, 'thing') });
    for (const body of ['{"name":', '', '{"name":""}', '{"name":"a","extra":1}']) {
      const { answer } = await run(handler, request({ body }));
      expect(answer.status).toBe(400);
      expect(answer.jsonBody).toEqual({
        error: expect.objectContaining({ code: 'InvalidInput', message: expect.any(String) }),
      });
    }
  });

  it('refuses a declared body over the limit with 413 before reading it', async () => {
    const handler: SibylHttpHandler = async (req) => ({ jsonBody: await readJson(req) });
    const { answer } = await run(handler, request({ body: '{}', headers: { 'content-length': String(1024 ** 4) } }));
    expect(answer.status).toBe(413);
    expect(answer.jsonBody).toMatchObject({ error: { code: 'PayloadTooLarge' } });
  });

  it("answers in the Open Inference Protocol's error shape on its routes", async () => {
    const handler: SibylHttpHandler = async (req) => ({ jsonBody: await readJson(req, 'inference request') });
    const { answer, headers } = await run(handler, request({ body: 'not json' }), 'oip');
    expect(answer.status).toBe(400);
    expect(answer.jsonBody).toEqual({ error: expect.stringMatching(/inference request/) });
    expect(headers.get('x-ms-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reads the origin the client used', () => {
    expect(originOf(request({ url: 'https://sibyl.example.net/api/models?x=1' }))).toBe('https://sibyl.example.net');
  });
});

/** A request whose body arrives as these chunks, with no declared length (as a streamed upload would). */
function streamed(chunks: Uint8Array[], headers: Record<string, string> = {}): HttpRequest {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  const native = new Request('http://127.0.0.1:7071/api/things', {
    method: 'POST',
    body,
    headers,
    duplex: 'half',
  });
  // The library's own wrapper around a native request (what it builds when the host streams bodies).
  return new HttpRequest({ nativeRequest: native } as never);
}

describe('readBytes', () => {
  it('gives the body as the runtime delivered it', async () => {
    const bytes = Buffer.from(JSON.stringify({ input_data: { data: [[1, 2.5, -3]] } }));
    const read = await readBytes(new HttpRequest({ method: 'POST', url: 'http://h/api/x', body: { bytes } }));
    expect(Buffer.from(read)).toEqual(bytes);
  });

  it('gives no bytes for an empty body and for a GET', async () => {
    expect((await readBytes(request({ body: '' }))).byteLength).toBe(0);
    expect((await readBytes(request({ method: 'GET' }))).byteLength).toBe(0);
  });

  it('joins a body that arrives in several chunks into one buffer of its own', async () => {
    const parts = ['{"a":', '[1,2', ',3]}'].map((t) => new TextEncoder().encode(t));
    const read = await readBytes(streamed(parts));
    expect(new TextDecoder().decode(read)).toBe('{"a":[1,2,3]}');
    expect(read.byteOffset).toBe(0);
    expect(read.buffer.byteLength).toBe(read.byteLength);
  });

  it('reads on past a first chunk shorter than the declared length', async () => {
    const parts = ['{"a":', '1}'].map((t) => new TextEncoder().encode(t));
    const read = await readBytes(streamed(parts, { 'content-length': '7' }));
    expect(new TextDecoder().decode(read)).toBe('{"a":1}');
  });

  it('refuses an undeclared body past the limit by what arrived (413, with its size)', async () => {
    const chunk = new Uint8Array(LIMIT / 2);
    const error = await readBytes(streamed([chunk, chunk, new Uint8Array(10)])).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PayloadTooLarge' });
    expect((error as Error).message).toContain(`${LIMIT + 10} bytes; the limit is ${LIMIT}`);
  });

  it('refuses to read a body twice', async () => {
    const req = request({ body: '{}' });
    await readBytes(req);
    await expect(readBytes(req)).rejects.toThrow(/locked/);
  });
});
