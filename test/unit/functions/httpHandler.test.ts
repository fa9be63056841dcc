/**
 * The HTTP funnel and the body readers, driven with the library's own `HttpRequest` and
 * `InvocationContext` (as the host builds them), not look-alike objects.
 */
import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { Type } from '@sinclair/typebox';
import { httpHandler, type SibylHttpHandler } from '../../../functions/http/httpHandler';
import { originOf, readBody, readJson } from '../../../functions/http/requestBody';

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
const SETTINGS = { AzureWebJobsStorage: 'UseDevelopmentStorage=true', COSMOS_ENDPOINT: 'https://127.0.0.1:8081' };
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
