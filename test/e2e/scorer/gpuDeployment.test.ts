/**
 * `gpu` (and `container`) deployments are served by replicas of their own: here the local compute
 * provider's scorer processes on CPU. Outputs equal in-process ONNX Runtime; a replica killed
 * outright is replaced and the deployment serves again.
 */
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { mlpModel } from '../../../scripts/onnx/mlpModel';
import { REPO_ROOT, startHost, type HostProcess } from '../../support/hostProcess';
import { pollUntil } from '../../support/poll';
import { replicaPids } from '../../support/replicaProcesses';

describe('gpu deployments through the scorer', () => {
  let host: HostProcess;
  /** This suite's replicas only: another suite may run the same deployment names at once. */
  const replicas = (app: string): number[] => replicaPids(app, host.child.pid!);
  const model = mlpModel({ inputs: 16, hidden: [32], outputs: 4, seed: 11 });
  const rows = [Array.from({ length: 16 }, (_, i) => i / 16), Array.from({ length: 16 }, (_, i) => 1 - i / 16)];

  const control = (method: string, route: string, body?: unknown, contentType = 'application/json') =>
    fetch(`${host.baseUrl}/${route}`, {
      method,
      headers: { 'x-functions-key': host.functionKey, 'content-type': contentType },
      body: body === undefined ? undefined : body instanceof Uint8Array ? body : JSON.stringify(body),
    });

  let endpointKey = '';
  const score = () =>
    fetch(`${host.baseUrl}/api/endpoints/gpu-demo/score`, {
      method: 'POST',
      headers: { authorization: `Bearer ${endpointKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ data: rows }),
    });

  beforeAll(async () => {
    host = await startHost({ appDir: REPO_ROOT });
    expect((await control('POST', 'api/models/gpu-mlp/versions', model, 'application/octet-stream')).status).toBe(201);
    expect(
      (
        await control('PUT', 'api/environments/gpu-env', {
          executionProviders: ['cuda', 'cpu'],
          compute: { kind: 'gpu', gpu: 'T4' },
        })
      ).status,
    ).toBe(201);
    expect((await control('PUT', 'api/endpoints/gpu-demo', { authMode: 'key' })).status).toBe(201);
    const deployed = await control('PUT', 'api/endpoints/gpu-demo/deployments/gpu-blue', {
      model: 'gpu-mlp:1',
      environment: 'gpu-env@1',
    });
    expect(deployed.status).toBe(201);
    endpointKey = ((await (await control('GET', 'api/endpoints/gpu-demo/keys')).json()) as { primaryKey: string })
      .primaryKey;
  }, 120_000);

  afterAll(async () => {
    await host?.stop();
  });

  it('scores through the scorer with outputs equal to in-process ONNX Runtime', async () => {
    const res = await score();
    expect(res.status).toBe(200);
    const answer = (await res.json()) as number[][];
    const session = await InferenceSession.create(model);
    const input = session.inputNames[0]!;
    const output = session.outputNames[0]!;
    const result = await session.run({ [input]: new Tensor('float32', Float32Array.from(rows.flat()), [2, 16]) });
    const expected = Array.from(result[output]!.data as Float32Array);
    expect(answer.flat().map((v) => Math.fround(v))).toEqual(expected);
    await session.release();
  });

  it('runs titled replicas of its own and reports them', async () => {
    const res = await control('GET', 'api/endpoints/gpu-demo/deployments/gpu-blue');
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      provisioningState: string;
      scale: { desiredReplicas: number; readyReplicas: number; replicas: { state: string }[] };
    };
    expect(body.provisioningState).toBe('Succeeded');
    expect(body.scale.readyReplicas).toBe(1);
    expect(body.scale.replicas.map((r) => r.state)).toEqual(['Ready']);
    expect(replicas('gpu-demo/gpu-blue')).toHaveLength(1);
  });

  it('scales to zero and starts a replica for the first request, which waits for it', async () => {
    const put = await control('PUT', 'api/endpoints/gpu-demo/deployments/gpu-idle', {
      model: 'gpu-mlp:1',
      environment: 'gpu-env@1',
      instance: { minInstances: 0, maxInstances: 1, scaleInDelaySeconds: 1 },
      requestTimeoutMs: 60_000,
    });
    expect(put.status).toBe(201);
    await pollUntil(() => replicas('gpu-demo/gpu-idle').length === 0, 'scale to zero', 60_000, 200);
    const res = await fetch(`${host.baseUrl}/api/endpoints/gpu-demo/score`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${endpointKey}`,
        'content-type': 'application/json',
        'azureml-model-deployment': 'gpu-idle',
      },
      body: JSON.stringify({ data: rows }),
    });
    expect(res.status).toBe(200);
    expect(replicas('gpu-demo/gpu-idle')).toHaveLength(1);
    expect((await control('DELETE', 'api/endpoints/gpu-demo/deployments/gpu-idle')).status).toBe(204);
  });

  it('keeps the compute admin API to the master key and refuses bad specs', async () => {
    const route = `${host.baseUrl}/admin/compute/apps/gpu-demo/gpu-blue`;
    expect((await fetch(route, { headers: { 'x-functions-key': host.functionKey } })).status).toBe(401);
    const admin = { 'x-functions-key': host.masterKey, 'content-type': 'application/json' };
    const status = (await (await fetch(route, { headers: admin })).json()) as { scale: { readyReplicas: number } };
    expect(status.scale.readyReplicas).toBe(1);
    const notJson = await fetch(route, { method: 'PUT', headers: admin, body: '{' });
    expect(notJson.status).toBe(400);
    const incomplete = await fetch(route, {
      method: 'PUT',
      headers: admin,
      body: JSON.stringify({ endpoint: 'gpu-demo', deployment: 'gpu-blue', kind: 'vm' }),
    });
    expect(incomplete.status).toBe(400);
    expect(((await incomplete.json()) as { error: { message: string } }).error.message).toMatch(/kind/);
    expect((await fetch(`${host.baseUrl}/admin/compute/apps/gpu-demo/nothing`, { headers: admin })).status).toBe(404);
  });

  it('replaces a replica killed outright, then serves again', async () => {
    const [pid] = replicas('gpu-demo/gpu-blue');
    process.kill(pid!, 'SIGKILL');
    await pollUntil(
      () => {
        const pids = replicas('gpu-demo/gpu-blue');
        return pids.length === 1 && pids[0] !== pid;
      },
      'a replacement replica',
      60_000,
      200,
    );
    await pollUntil(async () => (await score()).status === 200, 'the deployment to serve again', 60_000, 200);
  });
});
