/**
 * The security issue's attacks replayed against the local host over HTTP (Azurite and the Cosmos server
 * behind it): bodies refused before they are parsed, oversize chunked bodies, tokens that must not outlive
 * their endpoint, per-endpoint Entra authorization, ETag-guarded writes, traffic that names a deployment
 * deleted a moment ago, and the low-severity leaks (5xx details, request ids, banner keys, the Durable
 * `_rpc` key). Every answer is a documented 4xx, never a 5xx with internals.
 */
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import { CosmosClient } from '@azure/cosmos';
import { decodeJwt } from 'jose';
import { mlpModel, MLP_SIZES } from '../../scripts/onnx/mlpModel';
import { pollUntil } from '../support/poll';
import type { LocalEntraId } from '../unit/endpoints/auth/localEntraId';
import {
  expectError,
  expectOipError,
  uniqueSuffix,
  type Answer,
  type ServingClient,
} from '../e2e/serving/support/servingClient';
import { servingHost } from '../e2e/serving/support/servingHost';
import { bareEndpointDoc } from '../support/endpointDocs';

const RUN = uniqueSuffix();
const MODEL = `secmlp-${RUN}`;
const ROW = { data: [Array.from({ length: 16 }, (_, i) => i / 16)] };
const APP_LIMIT = 1024 * 1024;
const HOST_LIMIT = 4 * 1024 * 1024;
const DATABASE = `sec-host-${RUN}`;

/** A body sent chunked (no Content-Length) of `bytes` bytes of JSON-ish text. */
function chunkedBody(bytes: number): ReadableStream<Uint8Array> {
  const chunk = new TextEncoder().encode('1'.repeat(64 * 1024));
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      controller.enqueue(chunk);
      sent += chunk.length;
    },
  });
}

describe('attacks on the local host (security issue)', () => {
  let sibyl: ServingClient;
  let entra: LocalEntraId;
  let cosmos: CosmosClient;
  const env = {
    COSMOS_DATABASE: DATABASE,
    SIBYL_TOKEN_SIGNING_KEY: randomBytes(32).toString('base64url'),
    SIBYL_MAX_REQUEST_BYTES: String(APP_LIMIT),
    SIBYL_MAX_BODY_BYTES: String(HOST_LIMIT),
  };
  servingHost(
    async (client, localEntra) => {
      [sibyl, entra] = [client, localEntra!];
      cosmos = new CosmosClient({
        endpoint: process.env.SIBYL_TEST_COSMOS_ENDPOINT!,
        key: process.env.SIBYL_TEST_COSMOS_KEY!,
      });
      expect((await sibyl.registerModel(MODEL, mlpModel({ ...MLP_SIZES.tiny, seed: 5 }))).status).toBe(201);
    },
    { entra: true, env },
  );

  async function endpointWith(name: string, spec: Record<string, unknown>, deployments = ['blue']): Promise<void> {
    const created = await sibyl.putEndpoint(name, spec);
    expect([200, 201]).toContain(created.status);
    for (const d of deployments)
      expect((await sibyl.putDeployment(name, d, { model: `${MODEL}@latest` })).status).toBe(201);
  }

  const rawScore = (name: string, body: string, credential?: string): Promise<Answer> =>
    sibyl.call('POST', `api/endpoints/${name}/score`, {
      anonymous: true,
      body,
      headers: { 'content-type': 'application/json', ...(credential ? { authorization: `Bearer ${credential}` } : {}) },
    });

  describe('item 1: bodies are not read or parsed before authentication', () => {
    const name = `body-${RUN}`;
    let key: string;

    beforeAll(async () => {
      await endpointWith(name, { authMode: 'key' });
      key = (await sibyl.keys(name)).primaryKey;
    });

    it('answers 401 to a malformed body without a valid credential, 404 to an unknown endpoint, 400 only once authenticated', async () => {
      expectError(await rawScore(name, '{"data": [[1, 2', undefined), 401, 'Unauthorized');
      expectError(await rawScore(name, '{"data": [[1, 2', 'not-a-key'), 401, 'Unauthorized');
      expectError(await rawScore(`nobody-${RUN}`, '{"data": [[1, 2', key), 404, 'EndpointNotFound');
      expectError(await rawScore(name, '{"data": [[1, 2', key), 400, 'InvalidInput');
      expectOipError(
        await sibyl.call('POST', `api/v2/models/${name}/infer`, {
          anonymous: true,
          body: '{"inputs": [',
          headers: { 'content-type': 'application/json' },
        }),
        401,
      );
    });

    it('answers 401, not 413, to an anonymous body under the host limit but over the app limit', async () => {
      expectError(await rawScore(name, `{"data": [${'1,'.repeat(APP_LIMIT)}1]}`, undefined), 401, 'Unauthorized');
    });

    it('holds a chunked body to SIBYL_MAX_REQUEST_BYTES, in the app and in the host', async () => {
      for (const bytes of [2 * APP_LIMIT, 2 * HOST_LIMIT]) {
        const res = await fetch(`${sibyl.host.baseUrl}/api/endpoints/${name}/score`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: chunkedBody(bytes),
          duplex: 'half',
        });
        const text = await res.text();
        expect(res.status).toBe(413);
        // Past the app's limit the app answers its documented error; past the host's, the host answers
        // first with its own bare 413, as the Functions host does.
        if (bytes < HOST_LIMIT)
          expect(JSON.parse(text)).toMatchObject({
            error: { code: 'PayloadTooLarge', message: expect.stringMatching(/limit/) },
          });
        else expect(text).toBe('');
      }
      expect((await sibyl.score(name, ROW, key)).status).toBe(200);
    });
  });

  describe('item 1: the host stops reading refused bodies', () => {
    /**
     * Sends an endless chunked body to `path` over a raw socket until the server ends the connection
     * (stops reading and half-closes it); resolves with what the server answered and the bytes sent.
     */
    function endlessUpload(path: string): Promise<{ answer: string; sent: number }> {
      return new Promise((resolve, reject) => {
        const socket = net.connect(sibyl.host.port, '127.0.0.1');
        const chunk = `10000\r\n${'1'.repeat(0x10000)}\r\n`;
        let answer = '';
        let sent = 0;
        let open = true;
        const pump = () => {
          while (open && sent < 512 * 1024 * 1024) {
            sent += 0x10000;
            if (!socket.write(chunk)) return void socket.once('drain', pump);
          }
          if (open) reject(new Error('the server read 512 MB of a refused body'));
        };
        socket.on('data', (data: Buffer) => (answer += data.toString('latin1')));
        socket.on('error', () => undefined);
        const done = () => {
          if (!open) return;
          open = false;
          socket.destroy();
          resolve({ answer, sent });
        };
        socket.on('end', done);
        socket.on('close', done);
        socket.write(
          `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
        );
        pump();
      });
    }

    it.each([
      // Outside api/, where Sibyl's own catch-all function answers JSON 404s to any body it is sent.
      ['an unknown route (404)', '/nowhere/at/all', 404],
      ['a route needing the function key (401)', '/api/endpoints/x/keys/regenerate', 401],
      ['a body past the host limit (413)', `/api/endpoints/body-${RUN}/score`, 413],
    ])('answers %s and closes the connection instead of reading an endless body', async (_what, path, status) => {
      const { answer, sent } = await endlessUpload(path);
      expect(answer).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
      expect(sent).toBeLessThan(256 * 1024 * 1024);
    });
  });

  describe('item 6: tokens die with the endpoint generation they were issued for', () => {
    const name = `gen-${RUN}`;

    beforeAll(async () => {
      await endpointWith(name, { authMode: 'token' });
    });

    const token = async (): Promise<{ accessToken: string; expiryTimeUtc: number }> => {
      const answer = await sibyl.call('POST', `api/endpoints/${name}/token`);
      expect(answer.status).toBe(200);
      return answer.body as { accessToken: string; expiryTimeUtc: number };
    };
    const expectGone = async (accessToken: string) => {
      const message = expectError(await sibyl.score(name, ROW, accessToken), 401, 'Unauthorized');
      expect(message).toMatch(/earlier version/);
    };

    it('a token obtained with a token expires no later than its parent', async () => {
      const first = await token();
      const child = await sibyl.call('POST', `api/endpoints/${name}/token`, {
        anonymous: true,
        headers: { authorization: `Bearer ${first.accessToken}` },
      });
      expect(child.status).toBe(200);
      expect(child.body.expiryTimeUtc).toBeLessThanOrEqual(first.expiryTimeUtc);
      expect(decodeJwt(child.body.accessToken as string).exp).toBeLessThanOrEqual(first.expiryTimeUtc);
      expect((await sibyl.score(name, ROW, child.body.accessToken)).status).toBe(200);
    });

    it('refuses tokens after key regeneration, an auth-mode round trip, and deletion and re-creation', async () => {
      const beforeRegeneration = await token();
      expect((await sibyl.score(name, ROW, beforeRegeneration.accessToken)).status).toBe(200);
      expect(
        (await sibyl.call('POST', `api/endpoints/${name}/keys/regenerate`, { body: { keyType: 'secondary' } })).status,
      ).toBe(200);
      await expectGone(beforeRegeneration.accessToken);

      const beforeModeChange = await token();
      expect((await sibyl.putEndpoint(name, { authMode: 'key' })).status).toBe(200);
      expect((await sibyl.putEndpoint(name, { authMode: 'token' })).status).toBe(200);
      await expectGone(beforeModeChange.accessToken);

      const beforeDelete = await token();
      expect((await sibyl.call('DELETE', `api/endpoints/${name}`)).status).toBe(204);
      await endpointWith(name, { authMode: 'token' });
      await expectGone(beforeDelete.accessToken);
      expect((await sibyl.score(name, ROW, (await token()).accessToken)).status).toBe(200);
    });
  });

  describe('item 7: aad endpoints authorize callers per endpoint', () => {
    const byPrincipal = `aadp-${RUN}`;
    const byRole = `aadr-${RUN}`;

    beforeAll(async () => {
      await endpointWith(byPrincipal, { authMode: 'aad', allowedPrincipals: ['object-allowed'] });
      await endpointWith(byRole, { authMode: 'aad', allowedRoles: ['Scoring.Invoke'] });
    });

    it('answers 403 to a valid token of a principal that is not allowed, 200 to an allowed one', async () => {
      expectError(await sibyl.score(byPrincipal, ROW, await entra.sign({ oid: 'object-1' })), 403, 'Forbidden');
      expect((await sibyl.score(byPrincipal, ROW, await entra.sign({ oid: 'object-allowed' }))).status).toBe(200);
      expectError(await sibyl.score(byRole, ROW, await entra.sign({ roles: ['Other.Role'] })), 403, 'Forbidden');
      expect((await sibyl.score(byRole, ROW, await entra.sign({ roles: ['Scoring.Invoke'] }))).status).toBe(200);
      const shown = await sibyl.call('GET', `api/endpoints/${byPrincipal}`);
      expect(shown.body.allowedPrincipals).toEqual(['object-allowed']);
    });

    it('refuses allow lists on endpoints that are not aad (400)', async () => {
      expectError(
        await sibyl.putEndpoint(`keyallow-${RUN}`, { authMode: 'key', allowedPrincipals: ['x'] }),
        400,
        'InvalidInput',
      );
    });
  });

  describe('item 9: concurrent writes', () => {
    it('answers GET and PUT with an ETag and refuses a stale If-Match with 412', async () => {
      const name = `etag-${RUN}`;
      const created = await sibyl.putEndpoint(name, { authMode: 'key', description: 'one' });
      const etag = created.headers.get('etag');
      expect(etag).toBeTruthy();
      const read = await sibyl.call('GET', `api/endpoints/${name}`);
      expect(read.headers.get('etag')).toBe(etag);
      const updated = await sibyl.call('PUT', `api/endpoints/${name}`, {
        body: { authMode: 'key', description: 'two' },
        headers: { 'if-match': etag! },
      });
      expect(updated.status).toBe(200);
      expectError(
        await sibyl.call('PUT', `api/endpoints/${name}`, {
          body: { authMode: 'key', description: 'three' },
          headers: { 'if-match': etag! },
        }),
        412,
        'PreconditionFailed',
      );
      expect((await sibyl.call('GET', `api/endpoints/${name}`)).body.description).toBe('two');

      expectError(
        await sibyl.call('PUT', `api/endpoints/${name}/deployments/blue`, {
          body: { model: `${MODEL}@latest` },
          headers: { 'if-match': '"stale"' },
        }),
        412,
        'PreconditionFailed',
      );
    });

    it('never answers 5xx when traffic names a deployment whose document just disappeared', async () => {
      const name = `gone-${RUN}`;
      await endpointWith(name, { authMode: 'key' }, ['blue', 'green']);
      expect((await sibyl.putEndpoint(name, { authMode: 'key', traffic: { blue: 100 } })).status).toBe(200);
      const key = (await sibyl.keys(name)).primaryKey;
      // The half-done state of a delete: the deployment's document is gone, the traffic still names it.
      await cosmos.database(DATABASE).container('endpoints').item('deployment:blue', name).delete();
      await pollUntil(
        async () => {
          const answer = await sibyl.score(name, ROW, key);
          expect(answer.status).toBeLessThan(500);
          return answer.status === 200 && answer.headers.get('azureml-model-deployment') === 'green';
        },
        'scoring to move to the remaining deployment',
        30_000,
      );
    });
  });

  describe('low-severity leaks', () => {
    it('answers a 500 with a generic message and the request id, never the internal detail', async () => {
      const name = `weird-${RUN}`;
      await cosmos.database(DATABASE).container('endpoints').items.create(bareEndpointDoc(name, 'weird'));
      const answer = await sibyl.call('POST', `api/endpoints/${name}/score`, {
        anonymous: true,
        body: ROW,
        headers: { authorization: 'Bearer x', 'x-ms-client-request-id': 'sec-req-1' },
      });
      const message = expectError(answer, 500, 'InternalError');
      expect(message).toContain('sec-req-1');
      expect(message).not.toMatch(/authMode|weird/);
      expect(answer.headers.get('x-ms-request-id')).toBe('sec-req-1');
    });

    it('does not echo an overlong or odd x-ms-client-request-id', async () => {
      const long = 'a'.repeat(10_000);
      const answer = await sibyl.call('GET', 'api/endpoints', { headers: { 'x-ms-client-request-id': long } });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-ms-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const odd = await sibyl.call('GET', 'api/endpoints', { headers: { 'x-ms-client-request-id': 'a b<script>' } });
      expect(odd.headers.get('x-ms-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('masks the function key in a banner that does not go to a terminal', () => {
      expect(sibyl.host.output()).toMatch(/Function key\s+\S{4}…\(masked/);
      expect(sibyl.host.output()).not.toContain(sibyl.host.functionKey);
    });

    it('refuses a wrong Durable _rpc key', async () => {
      const res = await fetch(`${sibyl.host.baseUrl}/runtime/webhooks/durabletask/_rpc/${'x'.repeat(40)}/instances`);
      await res.text();
      expect(res.status).toBe(401);
    });
  });
});
