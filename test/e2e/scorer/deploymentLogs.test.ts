/**
 * Deployment logs end to end through the local host: a container deployment's replicas' console
 * (each line named by its replica) as JSON and as text, a failed update's replica stderr kept after
 * the replica is gone, the refusals (bad `lines`, a functions deployment, unknown names, no key),
 * and `sibyl deployments logs`.
 */
import { BlobServiceClient } from '@azure/storage-blob';
import { failsAtRunModel } from '../../support/failingModels';
import { mlpModel } from '../../../scripts/onnx/mlpModel';
import type { DeploymentLogs } from '../../../shared/api/schemas';
import { REPO_ROOT, startHost, type HostProcess } from '../../support/hostProcess';
import { pollUntil } from '../../support/poll';
import { cliUser, expectExit } from '../cli/cliProcess';

describe('deployment logs', () => {
  let host: HostProcess;
  const model = mlpModel({ inputs: 8, hidden: [16], outputs: 2, seed: 5 });

  const control = (method: string, route: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${host.baseUrl}/${route}`, {
      method,
      headers: {
        'x-functions-key': host.functionKey,
        'content-type': body instanceof Uint8Array ? 'application/octet-stream' : 'application/json',
        ...headers,
      },
      body: body === undefined ? undefined : body instanceof Uint8Array ? body : JSON.stringify(body),
    });

  const logs = async (route: string) => {
    const res = await control('GET', route);
    expect(`${res.status}`).toBe('200');
    return (await res.json()) as DeploymentLogs;
  };

  /** Creates or updates deployment `name` of logs-e: `model` on one replica of the container environment. */
  const deploy = (name: string, model: string) =>
    control('PUT', `api/endpoints/logs-e/deployments/${name}`, {
      model,
      environment: 'logs-cpu@1',
      instance: { minInstances: 1, maxInstances: 1 },
    });

  /** Polls a logs route until one of its lines passes `test`; answers those logs. */
  const logsWith = (route: string, test: (line: DeploymentLogs['lines'][number]) => boolean, what: string) =>
    pollUntil(async () => {
      const got = await logs(route);
      return got.lines.some(test) && got;
    }, what);
  const cannotServe = (line: DeploymentLogs['lines'][number]) =>
    line.stream === 'stderr' && /logs-broken:1 cannot be served/.test(line.text);

  beforeAll(async () => {
    host = await startHost({ appDir: REPO_ROOT, env: { SIBYL_COMPUTE_TICK_MS: '200' } });
    expect((await control('POST', 'api/models/logs-mlp/versions', model)).status).toBe(201);
    // A version whose warm-up fails in the replica: its file changed in storage after registration.
    expect((await control('POST', 'api/models/logs-broken/versions', model)).status).toBe(201);
    await BlobServiceClient.fromConnectionString(process.env.SIBYL_TEST_STORAGE_CONNECTION_STRING!)
      .getContainerClient('models')
      .getBlockBlobClient('logs-broken/1/model.onnx')
      .uploadData(Buffer.from(failsAtRunModel()));
    const env = { executionProviders: ['cpu'], intraOpNumThreads: 1, compute: { kind: 'container' } };
    expect((await control('PUT', 'api/environments/logs-cpu', env)).status).toBe(201);
    expect((await control('PUT', 'api/endpoints/logs-e', { authMode: 'key' })).status).toBe(201);
    const res = await deploy('blue', 'logs-mlp:1');
    expect(`${res.status} ${await res.text()}`).toMatch(/^201 /);
    const fn = await control('PUT', 'api/endpoints/logs-e/deployments/green', { model: 'logs-mlp:1' });
    expect(`${fn.status} ${await fn.text()}`).toMatch(/^201 /);
  }, 180_000);

  afterAll(async () => {
    if (host?.child.exitCode === null && host.child.signalCode === null) await host.stop();
  });

  it("returns the replicas' console lines, each named by its replica, as JSON and as text", async () => {
    const body = await logsWith(
      'api/endpoints/logs-e/deployments/blue/logs',
      (l) => /listening on port/.test(l.text),
      "the replica's start line",
    );
    expect(body).toMatchObject({ endpoint: 'logs-e', deployment: 'blue' });
    const started = body.lines.find((l) => /listening on port/.test(l.text))!;
    expect(started).toMatchObject({ stream: 'stdout', replica: expect.stringMatching(/^blue-[0-9a-f]{8}-\d+$/) });
    expect(Date.parse(started.time)).not.toBeNaN();

    const text = await control('GET', 'api/endpoints/logs-e/deployments/blue/logs?lines=5', undefined, {
      accept: 'text/plain',
    });
    expect(text.status).toBe(200);
    expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
    const rows = (await text.text()).trimEnd().split('\n');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThanOrEqual(5);
    for (const row of rows) expect(row).toMatch(/^blue-[0-9a-f]{8}-\d+ (stdout|stderr) \S+ /);
    expect((await logs('api/endpoints/logs-e/deployments/blue/logs?lines=1')).lines).toHaveLength(1);
  });

  it("keeps a failed update's replica stderr while the old revision serves on", async () => {
    expect((await deploy('blue', 'logs-broken:1')).status).toBeGreaterThanOrEqual(400);
    const body = await logsWith(
      'api/endpoints/logs-e/deployments/blue/logs?lines=200',
      cannotServe,
      "the failed replica's stderr",
    );
    const failed = body.lines.find((l) => /logs-broken:1 cannot be served/.test(l.text))!;
    const serving = body.lines.find((l) => /listening on port/.test(l.text))!;
    expect(failed.replica).not.toBe(serving.replica);
    // The replica it failed on is gone; the one of the serving revision is still there.
    const scale = (
      (await (await control('GET', 'api/endpoints/logs-e/deployments/blue')).json()) as {
        scale: { replicas: { name: string }[] };
      }
    ).scale;
    expect(scale.replicas.map((r) => r.name)).toEqual([serving.replica]);
  });

  it('keeps the replica stderr of a deployment whose first create failed (it is not stored)', async () => {
    expect((await deploy('never', 'logs-broken:1')).status).toBeGreaterThanOrEqual(400);
    expect((await control('GET', 'api/endpoints/logs-e/deployments/never')).status).toBe(404);
    const body = await logsWith(
      'api/endpoints/logs-e/deployments/never/logs',
      cannotServe,
      "the failed create's replica stderr",
    );
    expect(body.lines.every((l) => /^never-[0-9a-f]{8}-\d+$/.test(l.replica))).toBe(true);
  });

  it.each([['0'], ['5001'], ['ten'], ['1.5']])('refuses lines=%s with 400', async (lines) => {
    const res = await control('GET', `api/endpoints/logs-e/deployments/blue/logs?lines=${lines}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string; message: string } }).error.message).toMatch(/lines/);
  });

  it('refuses a functions deployment with 400 pointing at its metrics', async () => {
    const res = await control('GET', 'api/endpoints/logs-e/deployments/green/logs');
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('InvalidInput');
    expect(error.message).toMatch(/container and gpu deployments only/);
    expect(error.message).toMatch(/api\/endpoints\/logs-e\/metrics/);
  });

  it('answers 404 for an unknown deployment or endpoint, and 401 without the key', async () => {
    expect((await control('GET', 'api/endpoints/logs-e/deployments/nope-nope/logs')).status).toBe(404);
    expect((await control('GET', 'api/endpoints/no-such-endpoint/deployments/blue/logs')).status).toBe(404);
    expect((await fetch(`${host.baseUrl}/api/endpoints/logs-e/deployments/blue/logs`)).status).toBe(401);
  });

  it('sibyl deployments logs prints the lines prefixed by replica, and JSON with -o json', async () => {
    const { run } = cliUser();
    expectExit(await run(['login', '--url', host.baseUrl, '--key', host.functionKey]), 0);
    const table = expectExit(await run(['deployments', 'logs', 'logs-e', 'blue', '--lines', '50']), 0);
    expect(table.stdout).toMatch(/^\[blue-[0-9a-f]{8}-\d+\] Sibyl scorer listening on port/m);
    expect(table.stdout).toMatch(/^\[blue-[0-9a-f]{8}-\d+\] \(stderr\) .*logs-broken:1 cannot be served/m);
    const json = expectExit(await run(['deployments', 'logs', 'logs-e/blue', '-o', 'json']), 0);
    expect(json.json<DeploymentLogs>().lines.length).toBeGreaterThan(0);
    const usage = expectExit(await run(['deployments', 'logs', 'logs-e/blue', '--lines', '0']), 2);
    expect(usage.stderr).toMatch(/lines/);
    const refused = expectExit(await run(['deployments', 'logs', 'logs-e/green']), 1);
    expect(refused.stderr).toMatch(/InvalidInput/);
  });
});
