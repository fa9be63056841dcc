/**
 * A custom image beside the scorer (Azure's sidecar mode, played locally): the scorer gets a `custom`
 * runtime without `command` and SIBYL_SCORER_SIDECAR_DIR, as the Container App's scorer container does;
 * a stand-in server in this test plays the user's container on its own port. The scorer publishes the
 * model and code into the shared folder, answers ready only once the server's readiness route does, keeps
 * the key in front and forwards to the server's routes.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { userRuntimeSettings, type UserRuntime } from '../../../shared/compute/userRuntime';
import { pollUntil } from '../../support/poll';
import { startReplica, uploadCode, uploadModel, type Replica } from '../../support/userCodeReplica';

const RUN = Date.now().toString(36);

jest.setTimeout(120_000);

/** Reads what the user's container would read: the paths the scorer's settings give it in Azure. */
function standIn(shared: string): http.Server {
  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.url === '/ready') return json(existsSync(path.join(shared, 'ready')) ? 200 : 503, {});
      if (req.url === '/predict' && req.method === 'POST') {
        const weights = JSON.parse(readFileSync(path.join(shared, 'model', 'weights.json'), 'utf8')) as unknown;
        return json(200, {
          weights,
          code: readdirSync(path.join(shared, 'code')),
          body: Buffer.concat(chunks).toString(),
          requestId: req.headers['x-request-id'],
        });
      }
      json(404, { error: 'no such route' });
    });
  });
}

async function freePort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('custom image beside the scorer (sidecar mode)', () => {
  const shared = mkdtempSync(path.join(tmpdir(), 'sibyl-sidecar-'));
  let replica: Replica;
  let server: http.Server | undefined;

  afterAll(async () => {
    await replica?.stop();
    if (server) await new Promise((resolve) => server!.close(resolve));
    rmSync(shared, { recursive: true, force: true });
  });

  it('publishes the files, waits for the server and forwards to it behind the key', async () => {
    await uploadModel(`sidecar-weights-${RUN}`, 1, { 'weights.json': '{"w":[1,2]}' });
    await uploadCode(`sidecar-code-${RUN}`, 1, { 'server.py': 'print("played by the test")\n' });
    const port = await freePort();
    const runtime: UserRuntime = {
      runtime: 'custom',
      code: { name: `sidecar-code-${RUN}`, version: 1 },
      custom: {
        port,
        routes: { liveness: '/live', readiness: '/ready', scoring: '/predict' },
        protocol: 'azureml',
      },
      environmentHash: `sidecar-${RUN}`,
      variables: {},
    };
    replica = startReplica({
      ...userRuntimeSettings(runtime),
      SIBYL_SCORER_MODEL: `sidecar-weights-${RUN}:1`,
      SIBYL_SCORER_SIDECAR_DIR: shared,
      SIBYL_USER_CODE_DIR: path.join(shared, '.sibyl', 'user-code'),
      SIBYL_MODEL_CACHE_DIR: path.join(shared, '.sibyl', 'models'),
    });
    const scorer = `http://127.0.0.1:${await replica.listening}`;
    const auth = { authorization: `Bearer ${replica.key}` };

    // The files are in place before the scorer listens; the server is not up yet.
    expect(JSON.parse(readFileSync(path.join(shared, 'ready'), 'utf8'))).toEqual({
      model: path.join(shared, 'model'),
      code: path.join(shared, 'code'),
    });
    expect((await fetch(`${scorer}/v2/health/live`)).status).toBe(200);
    expect((await fetch(`${scorer}/v2/health/ready`)).status).toBe(503);
    const early = await fetch(`${scorer}/score`, { method: 'POST', headers: auth, body: '{}' });
    expect(early.status).toBe(503);
    expect(early.headers.get('retry-after')).toBe('5');
    expect(((await early.json()) as { error: { code: string } }).error.code).toBe('ServiceUnavailable');

    server = standIn(shared);
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    await pollUntil(
      async () => (await fetch(`${scorer}/v2/health/ready`)).status === 200,
      'the scorer to be ready once its sidecar is',
      60_000,
    );

    const res = await fetch(`${scorer}/score`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', 'x-request-id': 'side-1' },
      body: '{"data":[3]}',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      weights: { w: [1, 2] },
      code: ['server.py'],
      body: '{"data":[3]}',
      requestId: 'side-1',
    });
    const anonymous = await fetch(`${scorer}/score`, { method: 'POST', body: '{}' });
    expect(anonymous.status).toBe(401);
    expect(replica.stdout()).toContain(`The custom server beside the scorer is ready on port ${port}.`);
  });
});
