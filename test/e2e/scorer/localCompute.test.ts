/**
 * The local compute provider end to end: `container` deployments on replicas of their own that
 * autoscale within their bounds, survive a replica killed outright, update under load without a
 * failed request, leave no process behind, and keep serving under overload.
 */
import { BlobServiceClient } from '@azure/storage-blob';
import { failsAtRunModel } from '../../support/failingModels';
import { mlpModel } from '../../../scripts/onnx/mlpModel';
import { REPO_ROOT, startHost, type HostProcess } from '../../support/hostProcess';
import { pollUntil } from '../../support/poll';
import { processAlive, replicaPids } from '../../support/replicaProcesses';

interface Scale {
  desiredReplicas: number;
  readyReplicas: number;
  replicas: { name: string; state: string; inFlight: number }[];
}

/** Statuses counted by a load run. */
type Tally = Map<number, number>;
const count = (tally: Tally, status: number) => tally.get(status) ?? 0;
const total = (tally: Tally) => [...tally.values()].reduce((a, b) => a + b, 0);

describe('local compute provider', () => {
  let host: HostProcess;
  /** This suite's replicas only: another suite may run the same deployment names at once. */
  const replicas = (app: string): number[] => replicaPids(app, host.child.pid!);
  const model = mlpModel({ inputs: 32, hidden: [256, 256], outputs: 4, seed: 3 });
  const modelV2 = mlpModel({ inputs: 32, hidden: [256, 256], outputs: 4, seed: 4 });
  const rows = Array.from({ length: 16 }, (_, r) => Array.from({ length: 32 }, (_, i) => ((r + i) % 7) / 7));

  const control = (method: string, route: string, body?: unknown, contentType = 'application/json') =>
    fetch(`${host.baseUrl}/${route}`, {
      method,
      headers: { 'x-functions-key': host.functionKey, 'content-type': contentType },
      body: body === undefined ? undefined : body instanceof Uint8Array ? body : JSON.stringify(body),
    });

  const keys = new Map<string, string>();
  async function endpoint(name: string, deployment: string, spec: Record<string, unknown>): Promise<void> {
    expect((await control('PUT', `api/endpoints/${name}`, { authMode: 'key' })).status).toBe(201);
    const res = await control('PUT', `api/endpoints/${name}/deployments/${deployment}`, spec);
    expect(`${res.status} ${await res.text()}`).toMatch(/^201 /);
    keys.set(
      name,
      ((await (await control('GET', `api/endpoints/${name}/keys`)).json()) as { primaryKey: string }).primaryKey,
    );
  }

  const score = (name: string) =>
    fetch(`${host.baseUrl}/api/endpoints/${name}/score`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.get(name)!}`, 'content-type': 'application/json' },
      body: JSON.stringify({ data: rows }),
    });

  async function scale(name: string, deployment: string): Promise<Scale> {
    return (
      (await (await control('GET', `api/endpoints/${name}/deployments/${deployment}`)).json()) as { scale: Scale }
    ).scale;
  }

  /** `connections` loops scoring `name` until `stop()` says so; resolves to the statuses seen. */
  function load(name: string, connections: number): { stop: () => Promise<Tally>; tally: Tally } {
    const tally: Tally = new Map();
    let running = true;
    const workers = Array.from({ length: connections }, async () => {
      while (running) {
        let status = 0;
        try {
          const res = await score(name);
          await res.arrayBuffer();
          status = res.status;
        } catch {
          status = -1;
        }
        tally.set(status, count(tally, status) + 1);
      }
    });
    return {
      tally,
      stop: async () => {
        running = false;
        await Promise.all(workers);
        return tally;
      },
    };
  }

  beforeAll(async () => {
    host = await startHost({ appDir: REPO_ROOT, env: { SIBYL_COMPUTE_TICK_MS: '200' } });
    expect((await control('POST', 'api/models/compute-mlp/versions', model, 'application/octet-stream')).status).toBe(
      201,
    );
    expect((await control('POST', 'api/models/compute-mlp/versions', modelV2, 'application/octet-stream')).status).toBe(
      201,
    );
    // A version that cannot load: its file changed in storage after registration (the checksum differs).
    expect(
      (await control('POST', 'api/models/compute-broken/versions', model, 'application/octet-stream')).status,
    ).toBe(201);
    const models = BlobServiceClient.fromConnectionString(
      process.env.SIBYL_TEST_STORAGE_CONNECTION_STRING!,
    ).getContainerClient('models');
    await models.getBlockBlobClient('compute-broken/1/model.onnx').uploadData(Buffer.from(failsAtRunModel()));
    expect(
      (
        await control('PUT', 'api/environments/compute-cpu', {
          executionProviders: ['cpu'],
          intraOpNumThreads: 1,
          compute: { kind: 'container' },
        })
      ).status,
    ).toBe(201);
  }, 120_000);

  afterAll(async () => {
    if (host?.child.exitCode === null && host.child.signalCode === null) await host.stop();
  });

  it('refuses replica settings on a functions deployment with a pointer to infra/', async () => {
    expect((await control('PUT', 'api/endpoints/compute-fn', { authMode: 'key' })).status).toBe(201);
    const res = await control('PUT', 'api/endpoints/compute-fn/deployments/blue', {
      model: 'compute-mlp:1',
      instance: { maxInstances: 3 },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('InvalidInput');
    expect(body.error.message).toMatch(/infra\//);
  });

  it('scales a container deployment to its maximum under load and never past it, then back after the delay', async () => {
    await endpoint('compute-scale', 'blue', {
      model: 'compute-mlp:1',
      environment: 'compute-cpu@1',
      instance: { minInstances: 1, maxInstances: 3, maxConcurrentRequestsPerInstance: 2, scaleInDelaySeconds: 3 },
    });
    expect((await scale('compute-scale', 'blue')).readyReplicas).toBe(1);
    const running = load('compute-scale', 32);
    let most = 0;
    // Records the most replicas wanted, serving or running so far; answers the scale status.
    const observe = async (): Promise<Scale> => {
      const s = await scale('compute-scale', 'blue');
      most = Math.max(
        most,
        s.desiredReplicas,
        s.replicas.filter((r) => r.state !== 'Draining').length,
        replicas('compute-scale/blue').length,
      );
      return s;
    };
    try {
      await pollUntil(async () => (await observe()).readyReplicas === 3, 'three ready replicas', 120_000, 100);
      // Keep the load on a while longer: it must stay at three.
      const seen = total(running.tally);
      await pollUntil(
        async () => {
          await observe();
          return total(running.tally) > seen + 200;
        },
        'more requests',
        120_000,
        100,
      );
    } finally {
      const tally = await running.stop();
      expect(count(tally, 200)).toBeGreaterThan(0);
      expect([...tally.keys()].filter((s) => s !== 200 && s !== 429)).toEqual([]);
    }
    expect(most).toBe(3);
    await pollUntil(
      async () =>
        (await scale('compute-scale', 'blue')).replicas.length === 1 && replicas('compute-scale/blue').length === 1,
      'scale-in to one replica',
      60_000,
      200,
    );
  });

  it('reports Creating (and serves nothing from it) until its replicas are ready, then Succeeded', async () => {
    expect((await control('PUT', 'api/endpoints/compute-kill', { authMode: 'key' })).status).toBe(201);
    keys.set(
      'compute-kill',
      ((await (await control('GET', 'api/endpoints/compute-kill/keys')).json()) as { primaryKey: string }).primaryKey,
    );
    const creating = control('PUT', 'api/endpoints/compute-kill/deployments/blue', {
      model: 'compute-mlp:1',
      environment: 'compute-cpu@1',
      instance: { minInstances: 2, maxInstances: 2 },
    });
    const seen = await pollUntil(
      async () => {
        const res = await control('GET', 'api/endpoints/compute-kill/deployments/blue');
        return res.status === 200 ? ((await res.json()) as { provisioningState: string }).provisioningState : undefined;
      },
      'the deployment to be listed',
      60_000,
      20,
    );
    expect(['Creating', 'Succeeded']).toContain(seen);
    if (seen === 'Creating') expect((await score('compute-kill')).status).toBe(503);
    expect((await creating).status).toBe(201);
    const done = (await (await control('GET', 'api/endpoints/compute-kill/deployments/blue')).json()) as {
      provisioningState: string;
      scale: Scale;
    };
    expect(done.provisioningState).toBe('Succeeded');
    expect(done.scale.readyReplicas).toBe(2);
  });

  it('loses at most 1% of requests when a replica is killed under load, and replaces it', async () => {
    const running = load('compute-kill', 8);
    const before = replicas('compute-kill/blue');
    expect(before).toHaveLength(2);
    await pollUntil(() => count(running.tally, 200) > 100, 'requests before the kill', 60_000);
    process.kill(before[0]!, 'SIGKILL');
    await pollUntil(
      async () =>
        (await scale('compute-kill', 'blue')).readyReplicas === 2 &&
        !replicas('compute-kill/blue').includes(before[0]!),
      'a replacement',
      60_000,
      100,
    );
    const seen = total(running.tally);
    await pollUntil(() => total(running.tally) > seen + 100, 'requests after the replacement', 60_000);
    const tally = await running.stop();
    expect(total(tally) - count(tally, 200)).toBeLessThanOrEqual(total(tally) * 0.01);
  });

  it.each([
    ['functions', 'compute-upd-fn', {}],
    ['container', 'compute-upd-ct', { environment: 'compute-cpu@1', instance: { minInstances: 1, maxInstances: 2 } }],
  ])('updates a %s deployment in place under load without failing a request', async (_kind, name, extra) => {
    await endpoint(name, 'blue', { model: 'compute-mlp:1', ...extra });
    const running = load(name, 8);
    try {
      for (const version of [2, 1, 2]) {
        await pollUntil(() => count(running.tally, 200) > 20, 'requests before the update', 60_000);
        const res = await control('PUT', `api/endpoints/${name}/deployments/blue`, {
          model: `compute-mlp:${version}`,
          ...extra,
        });
        expect(res.status).toBe(200);
        expect(((await res.json()) as { resolvedModel: string }).resolvedModel).toBe(`compute-mlp:${version}`);
        const seen = total(running.tally);
        await pollUntil(() => total(running.tally) > seen + 20, 'requests after the update', 60_000);
      }
    } finally {
      const tally = await running.stop();
      expect([...tally.entries()].filter(([s]) => s !== 200)).toEqual([]);
    }
    const res = await score(name);
    expect(res.headers.get('azureml-model-deployment')).toBe('blue');
  });

  it.each([
    ['functions', 'compute-upd-fn', {}],
    ['container', 'compute-upd-ct', { environment: 'compute-cpu@1', instance: { minInstances: 1, maxInstances: 2 } }],
  ])(
    'a failed update of a %s deployment leaves the old version serving and reports Failed',
    async (_kind, name, extra) => {
      const res = await control('PUT', `api/endpoints/${name}/deployments/blue`, {
        model: 'compute-broken:1',
        ...extra,
      });
      // 409 ModelIntegrity where the app loads it, 400 InvalidModel where a replica refuses to.
      expect([400, 409]).toContain(res.status);
      expect(['InvalidModel', 'ModelIntegrity']).toContain(
        ((await res.json()) as { error: { code: string } }).error.code,
      );
      const shown = (await (await control('GET', `api/endpoints/${name}/deployments/blue`)).json()) as {
        provisioningState: string;
        error?: string;
        resolvedModel: string;
      };
      expect(shown.provisioningState).toBe('Failed');
      expect(shown.error).toBeTruthy();
      expect(shown.resolvedModel).toBe('compute-mlp:2');
      expect((await score(name)).status).toBe(200);
    },
  );

  // How much goodput overload keeps is a number for the bench (its overload case); here, what overload does.
  it('under overload keeps scoring; what it refuses it refuses with 429 or 408, never failing', async () => {
    await endpoint('compute-over', 'blue', {
      model: 'compute-mlp:1',
      instance: { maxConcurrentRequestsPerInstance: 16 },
      requestTimeoutMs: 2000,
    });
    const running = load('compute-over', 128);
    await pollUntil(() => count(running.tally, 200) >= 200, 'scored answers under 128 connections', 90_000);
    const overload = await running.stop();
    expect([...overload.keys()].filter((s) => s !== 200 && s !== 429 && s !== 408)).toEqual([]);
  });

  it('deleting a deployment leaves no replica behind', async () => {
    expect(replicas('compute-kill/blue')).toHaveLength(2);
    expect((await control('DELETE', 'api/endpoints/compute-kill/deployments/blue')).status).toBe(204);
    expect(replicas('compute-kill/blue')).toEqual([]);
  });

  it('a host that dies outright leaves no replica behind', async () => {
    const orphans = replicas('compute-');
    expect(orphans.length).toBeGreaterThan(0);
    await host.kill();
    await pollUntil(() => !orphans.some(processAlive), 'every replica to exit', 30_000, 100);
  });
});
