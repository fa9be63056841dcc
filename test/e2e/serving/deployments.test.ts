/**
 * Deployments end to end: create (answers once warmed), read, update, delete; traffic rules, a 70/30
 * split observed over many calls, pinning, mirroring, the concurrency cap (429), the request timeout
 * (408), endpoints kept apart, and everything surviving an emulator restart.
 */
import { failsAtRunModel } from '../../support/failingModels';
import { mlpModel, MLP_SIZES } from '../../../scripts/onnx/mlpModel';
import { pollUntil } from '../../support/poll';
import { REPO_ROOT, startHost, type HostProcess } from '../../support/hostProcess';
import { ortRows, sameFloat32Rows } from './support/ortReference';
import { expectError, HOST_START_MS, ServingClient, uniqueSuffix, type Answer } from './support/servingClient';

const RUN = uniqueSuffix();
const blueBytes = mlpModel({ ...MLP_SIZES.tiny, seed: 21 });
const greenBytes = mlpModel({ ...MLP_SIZES.tiny, seed: 22 });
const shadowBytes = mlpModel({ ...MLP_SIZES.tiny, seed: 23 });
const ROWS = [Array.from({ length: 16 }, (_, i) => (i % 5) / 4 - 0.5)];

/** Runs `count` calls, `parallel` at a time. */
async function many(count: number, parallel: number, call: (i: number) => Promise<Answer>): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let start = 0; start < count; start += parallel) {
    const wave = Array.from({ length: Math.min(parallel, count - start) }, (_, j) => call(start + j));
    answers.push(...(await Promise.all(wave)));
  }
  return answers;
}

describe('deployments and traffic (emulator over HTTP)', () => {
  let host: HostProcess;
  let sibyl: ServingClient;
  const ep = `split-${RUN}`;
  const model = `dep-${RUN}`;
  let key: string;
  let expected: Record<'blue' | 'green' | 'shadow', number[][]>;

  beforeAll(async () => {
    host = await startHost({ appDir: REPO_ROOT });
    sibyl = new ServingClient(host);
    for (const bytes of [blueBytes, greenBytes, shadowBytes])
      expect((await sibyl.registerModel(model, bytes)).status).toBe(201);
    expected = {
      blue: (await ortRows(blueBytes, { features: ROWS })).scores!,
      green: (await ortRows(greenBytes, { features: ROWS })).scores!,
      shadow: (await ortRows(shadowBytes, { features: ROWS })).scores!,
    };
  }, HOST_START_MS);

  afterAll(async () => {
    await host?.stop();
  });

  describe('lifecycle', () => {
    it('creates a deployment that serves at once, reads, updates and deletes it', async () => {
      expect((await sibyl.putEndpoint(ep, { authMode: 'key' })).status).toBe(201);
      const created = await sibyl.putDeployment(ep, 'blue', {
        model: `${model}:1`,
        batching: { maxBatchSize: 8 },
        requestTimeoutMs: 10000,
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        name: 'blue',
        endpoint: ep,
        model: `${model}:1`,
        resolvedModel: `${model}:1`,
        environment: 'ort-cpu@1',
        provisioningState: 'Succeeded',
        requestTimeoutMs: 10000,
      });
      key = (await sibyl.keys(ep)).primaryKey;
      // Loaded and warmed before the answer: ready, and the first call scores.
      expect((await sibyl.dataGet(`api/v2/models/${ep}/versions/blue/ready`, key)).body.ready).toBe(true);
      const first = await sibyl.score(ep, { data: ROWS }, key);
      expect(first.status).toBe(200);
      expect(sameFloat32Rows(first.body, expected.blue)).toBe(true);

      const got = await sibyl.call('GET', `api/endpoints/${ep}/deployments/blue`);
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({ name: 'blue', resolvedModel: `${model}:1`, batching: { maxBatchSize: 8 } });
      expect(
        (await sibyl.call('GET', `api/endpoints/${ep}`)).body.deployments.map((d: { name: string }) => d.name),
      ).toEqual(['blue']);

      // PUT again: 200, and the new model version answers.
      const updated = await sibyl.putDeployment(ep, 'blue', { model: `${model}:2` });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ resolvedModel: `${model}:2`, createdAt: created.body.createdAt });
      expect(sameFloat32Rows((await sibyl.score(ep, { data: ROWS }, key)).body, expected.green)).toBe(true);
      expect((await sibyl.putDeployment(ep, 'blue', { model: `${model}:1` })).status).toBe(200);
      expect(sameFloat32Rows((await sibyl.score(ep, { data: ROWS }, key)).body, expected.blue)).toBe(true);

      const temp = await sibyl.putDeployment(ep, 'temp', { model: `${model}@latest` });
      expect(temp.body.resolvedModel).toBe(`${model}:3`);
      expect((await sibyl.call('DELETE', `api/endpoints/${ep}/deployments/temp`)).status).toBe(204);
      expectError(await sibyl.call('GET', `api/endpoints/${ep}/deployments/temp`), 404, 'DeploymentNotFound');
      expectError(await sibyl.call('DELETE', `api/endpoints/${ep}/deployments/temp`), 404, 'DeploymentNotFound');
      expectError(
        await sibyl.score(ep, { data: ROWS }, key, { 'azureml-model-deployment': 'temp' }),
        404,
        'DeploymentNotFound',
      );
    });

    it('refuses bad deployment specs, unknown models, environments and endpoints, and models that cannot run', async () => {
      expectError(await sibyl.putDeployment(ep, 'bad', { model: `ghost-${RUN}:1` }), 404, 'ModelNotFound');
      expectError(await sibyl.putDeployment(ep, 'bad', { model: `${model}:99` }), 404, 'ModelNotFound');
      expectError(await sibyl.putDeployment(ep, 'bad', { model: `${model}@nosuchalias` }), 404, 'ModelNotFound');
      expectError(await sibyl.putDeployment(ep, 'bad', { model: 'not a reference' }), 400, 'InvalidInput');
      expectError(
        await sibyl.putDeployment(ep, 'bad', { model: `${model}:1`, environment: 'nope@1' }),
        404,
        'EnvironmentNotFound',
      );
      expectError(await sibyl.putDeployment(ep, 'bad', { model: `${model}:1`, replicas: 3 }), 400, 'InvalidInput');
      expectError(
        await sibyl.putDeployment(ep, 'bad', { model: `${model}:1`, requestTimeoutMs: 0 }),
        400,
        'InvalidInput',
      );
      expectError(
        await sibyl.putDeployment(ep, 'bad', { model: `${model}:1`, instance: { minInstances: 3, maxInstances: 2 } }),
        400,
        'InvalidInput',
      );
      expectError(await sibyl.putDeployment(ep, 'x', { model: `${model}:1` }), 400, 'InvalidInput');
      expectError(await sibyl.putDeployment(`ghost-${RUN}`, 'blue', { model: `${model}:1` }), 404, 'EndpointNotFound');

      const broken = `broken-${RUN}`;
      expect((await sibyl.registerModel(broken, failsAtRunModel())).status).toBe(201);
      // A model that loads deploys: its failed warm-up inference is a warning, and a request it cannot run a 400.
      const deployed = await sibyl.putDeployment(ep, 'broken', { model: `${broken}:1` });
      expect(deployed.status).toBe(201);
      expect(deployed.body.warnings).toEqual([expect.stringMatching(/warm-up inference .* failed/)]);
      expectError(await sibyl.score(ep, { data: ROWS }, key, { 'azureml-model-deployment': 'broken' }), 400);
      expect((await sibyl.call('DELETE', `api/endpoints/${ep}/deployments/broken`)).status).toBe(204);
      expectError(await sibyl.call('GET', `api/endpoints/${ep}/deployments/bad`), 404, 'DeploymentNotFound');
      // The endpoint still serves.
      expect((await sibyl.score(ep, { data: ROWS }, key)).status).toBe(200);
    });
  });

  describe('traffic', () => {
    it('validates traffic: sums to 100, names existing deployments, whole percentages', async () => {
      expect((await sibyl.putDeployment(ep, 'green', { model: `${model}:2` })).status).toBe(201);
      expect((await sibyl.putDeployment(ep, 'shadow', { model: `${model}:3` })).status).toBe(201);
      expect(
        expectError(
          await sibyl.putEndpoint(ep, { authMode: 'key', traffic: { blue: 60, green: 30 } }),
          400,
          'InvalidInput',
        ),
      ).toMatch(/100/);
      expect(
        expectError(
          await sibyl.putEndpoint(ep, { authMode: 'key', traffic: { blue: 70, purple: 30 } }),
          400,
          'InvalidInput',
        ),
      ).toMatch(/purple/);
      expectError(
        await sibyl.putEndpoint(ep, { authMode: 'key', traffic: { blue: 70.5, green: 29.5 } }),
        400,
        'InvalidInput',
      );
      expectError(
        await sibyl.putEndpoint(ep, { authMode: 'key', traffic: { blue: 110, green: -10 } }),
        400,
        'InvalidInput',
      );
      expectError(
        await sibyl.putEndpoint(ep, { authMode: 'key', traffic: { blue: 100 }, mirrorTraffic: { shadow: 60 } }),
        400,
        'InvalidInput',
      );
      expectError(
        await sibyl.putEndpoint(ep, { authMode: 'key', traffic: { blue: 100 }, mirrorTraffic: { blue: 10 } }),
        400,
        'InvalidInput',
      );
      expectError(
        await sibyl.putEndpoint(ep, { authMode: 'key', traffic: { blue: 100 }, mirrorTraffic: { ghost: 10 } }),
        400,
        'InvalidInput',
      );
      // This host has no Entra ID settings: an aad endpoint could never be called.
      expect(expectError(await sibyl.putEndpoint(`aad-${RUN}`, { authMode: 'aad' }), 400, 'InvalidInput')).toMatch(
        /SIBYL_AAD_TENANT_ID/,
      );
      expect(expectError(await sibyl.putEndpoint(ep, { authMode: 'aad' }), 400, 'InvalidInput')).toMatch(
        /SIBYL_AAD_AUDIENCE/,
      );
      // With several deployments and no traffic, an unpinned call has nowhere to go.
      expectError(await sibyl.score(ep, { data: ROWS }, key), 404, 'DeploymentNotFound');
      const set = await sibyl.putEndpoint(ep, { authMode: 'key', traffic: { blue: 70, green: 30 } });
      expect(set.status).toBe(200);
      expect(set.body.traffic).toEqual({ blue: 70, green: 30 });
      expect((await sibyl.call('GET', `api/endpoints/${ep}`)).body.traffic).toEqual({ blue: 70, green: 30 });
    });

    it('splits 70/30 within tolerance over 400 calls, each answered by the deployment it names', async () => {
      const answers = await many(400, 8, () => sibyl.score(ep, { data: ROWS }, key));
      const counts = { blue: 0, green: 0 } as Record<string, number>;
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        const deployment = answer.headers.get('azureml-model-deployment')!;
        counts[deployment] = (counts[deployment] ?? 0) + 1;
        expect(sameFloat32Rows(answer.body, expected[deployment as 'blue' | 'green'])).toBe(true);
      }
      expect(Object.keys(counts).sort()).toEqual(['blue', 'green']);
      // 70% of 400 = 280, σ ≈ 9.2: ±40 is over 4σ.
      expect(counts.blue).toBeGreaterThanOrEqual(240);
      expect(counts.blue).toBeLessThanOrEqual(320);
    }, 120_000);

    it('pins a deployment with the azureml-model-deployment header, also one without traffic', async () => {
      for (const pinned of ['green', 'blue', 'shadow'] as const) {
        const answers = await many(10, 5, () =>
          sibyl.score(ep, { data: ROWS }, key, { 'azureml-model-deployment': pinned }),
        );
        for (const answer of answers) {
          expect(answer.status).toBe(200);
          expect(answer.headers.get('azureml-model-deployment')).toBe(pinned);
          expect(sameFloat32Rows(answer.body, expected[pinned])).toBe(true);
        }
      }
      const oip = await sibyl.infer(
        ep,
        { inputs: [{ name: 'features', shape: [1, 16], datatype: 'FP32', data: ROWS[0] }] },
        key,
        'green',
      );
      expect(oip.body.model_version).toBe('green');
    });

    it('mirrors traffic: the mirror counts requests, the client only sees live answers', async () => {
      const before = await mirrorRequests();
      expect(
        (await sibyl.putEndpoint(ep, { authMode: 'key', traffic: { blue: 100 }, mirrorTraffic: { shadow: 50 } }))
          .status,
      ).toBe(200);
      const answers = await many(60, 6, () => sibyl.score(ep, { data: ROWS }, key));
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        expect(answer.headers.get('azureml-model-deployment')).toBe('blue');
        expect(sameFloat32Rows(answer.body, expected.blue)).toBe(true);
      }
      // About half of the 60 were copied to the mirror (its runs finish after the answers).
      const mirrored = await pollUntil(
        async () => {
          const n = (await mirrorRequests()) - before;
          return n >= 10 ? n : undefined;
        },
        'mirrored requests in the metrics',
        15000,
        200,
      );
      expect(mirrored).toBeLessThanOrEqual(50);
      expect(
        expectError(await sibyl.call('DELETE', `api/endpoints/${ep}/deployments/shadow`), 409, 'Conflict'),
      ).toMatch(/mirror/);
      expect((await sibyl.putEndpoint(ep, { authMode: 'key', traffic: { blue: 100 }, mirrorTraffic: {} })).status).toBe(
        200,
      );
    });

    async function mirrorRequests(): Promise<number> {
      const metrics = await sibyl.call('GET', `api/endpoints/${ep}/metrics?minutes=10`);
      expect(metrics.status).toBe(200);
      return ((metrics.body.deployments.shadow ?? []) as { requests: number }[]).reduce((n, p) => n + p.requests, 0);
    }

    it('refuses to delete a deployment that gets live traffic (409), then deletes it once moved', async () => {
      expect((await sibyl.putEndpoint(ep, { authMode: 'key', traffic: { blue: 50, green: 50 } })).status).toBe(200);
      expect(expectError(await sibyl.call('DELETE', `api/endpoints/${ep}/deployments/green`), 409, 'Conflict')).toMatch(
        /green/,
      );
      expect((await sibyl.putEndpoint(ep, { authMode: 'key', traffic: { blue: 100, green: 0 } })).status).toBe(200);
      expect((await sibyl.call('DELETE', `api/endpoints/${ep}/deployments/green`)).status).toBe(204);
      expectError(await sibyl.call('GET', `api/endpoints/${ep}/deployments/green`), 404, 'DeploymentNotFound');
      const after = (await sibyl.call('GET', `api/endpoints/${ep}`)).body;
      expect(after.deployments.map((d: { name: string }) => d.name)).toEqual(['blue', 'shadow']);
      expect(after.traffic.green ?? 0).toBe(0);
      // The deleted deployment is gone from the traffic map: updating the endpoint still validates.
      const described = await sibyl.putEndpoint(ep, { authMode: 'key', description: 'after green' });
      expect(described.status).toBe(200);
      expect(described.body.traffic).toEqual({ blue: 100 });
      const answers = await many(20, 5, () => sibyl.score(ep, { data: ROWS }, key));
      expect(answers.every((a) => a.status === 200 && a.headers.get('azureml-model-deployment') === 'blue')).toBe(true);
    });
  });

  describe('isolation and limits', () => {
    it('keeps endpoints apart: same deployment names, different models', async () => {
      const a = `iso-a-${RUN}`;
      const b = `iso-b-${RUN}`;
      for (const [name, version] of [
        [a, 1],
        [b, 2],
      ] as const) {
        expect((await sibyl.putEndpoint(name, { authMode: 'key' })).status).toBe(201);
        expect((await sibyl.putDeployment(name, 'blue', { model: `${model}:${version}` })).status).toBe(201);
      }
      const keyA = (await sibyl.keys(a)).primaryKey;
      const keyB = (await sibyl.keys(b)).primaryKey;
      expect(sameFloat32Rows((await sibyl.score(a, { data: ROWS }, keyA)).body, expected.blue)).toBe(true);
      expect(sameFloat32Rows((await sibyl.score(b, { data: ROWS }, keyB)).body, expected.green)).toBe(true);
      expect((await sibyl.score(a, { data: ROWS }, keyB)).status).toBe(401);
      expect(
        (await sibyl.call('GET', `api/endpoints/${a}`)).body.deployments.map(
          (d: { resolvedModel: string }) => d.resolvedModel,
        ),
      ).toEqual([`${model}:1`]);
      expect((await sibyl.call('DELETE', `api/endpoints/${a}`)).status).toBe(204);
      expect((await sibyl.call('GET', `api/endpoints/${b}/deployments/blue`)).status).toBe(200);
      expect(sameFloat32Rows((await sibyl.score(b, { data: ROWS }, keyB)).body, expected.green)).toBe(true);
      expect((await sibyl.call('DELETE', `api/endpoints/${b}`)).status).toBe(204);
    });

    it('answers 429 with Retry-After past maxConcurrentRequestsPerInstance, and recovers', async () => {
      const busy = `busy-${RUN}`;
      const busyKey = await sibyl.serve(busy, `medium-${RUN}`, mlpModel({ ...MLP_SIZES.medium, seed: 5 }), {
        instance: { maxConcurrentRequestsPerInstance: 1 },
        batching: { maxBatchSize: 1 },
      });
      const rows = Array.from({ length: 256 }, (_, r) => Array.from({ length: 256 }, (_, c) => ((r + c) % 13) / 13));
      // Bursts of 16 concurrent calls, until one overlaps another in flight (normally the first burst does).
      const answers: Answer[] = [];
      await pollUntil(
        async () => {
          answers.push(
            ...(await Promise.all(Array.from({ length: 16 }, () => sibyl.score(busy, { data: rows }, busyKey)))),
          );
          return answers.some((a) => a.status === 429);
        },
        'a 429 from a burst of concurrent calls',
        20000,
        0,
      );
      const refused = answers.filter((a) => a.status === 429);
      expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(1);
      expect(answers.every((a) => a.status === 200 || a.status === 429)).toBe(true);
      for (const answer of refused) {
        expectError(answer, 429, 'TooManyRequests');
        expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      }
      // Once the burst is over the slot is free again.
      expect((await sibyl.score(busy, { data: rows.slice(0, 2) }, busyKey)).status).toBe(200);
      expect((await sibyl.call('DELETE', `api/endpoints/${busy}`)).status).toBe(204);
    });

    it('answers 408 past requestTimeoutMs, and the deployment keeps serving', async () => {
      const slow = `slow-${RUN}`;
      const slowKey = await sibyl.serve(slow, `medium2-${RUN}`, mlpModel({ ...MLP_SIZES.medium, seed: 6 }), {
        requestTimeoutMs: 1,
        batching: { maxBatchSize: 1 },
      });
      const rows = Array.from({ length: 2048 }, (_, r) =>
        Array.from({ length: 256 }, (_, c) => ((r * 3 + c) % 17) / 17),
      );
      const answer = await sibyl.score(slow, { data: rows }, slowKey);
      expect(expectError(answer, 408, 'Timeout')).toMatch(/requestTimeoutMs/);
      expect((await sibyl.call('GET', 'api/v2/health/live', { anonymous: true })).status).toBe(200);
      expect(
        (await sibyl.putDeployment(slow, 'blue', { model: `medium2-${RUN}:1`, requestTimeoutMs: 30000 })).status,
      ).toBe(200);
      expect((await sibyl.score(slow, { data: rows.slice(0, 4) }, slowKey)).status).toBe(200);
      expect((await sibyl.call('DELETE', `api/endpoints/${slow}`)).status).toBe(204);
    });
  });

  describe('restart', () => {
    it(
      'keeps models, endpoints, deployments and keys across an emulator restart',
      async () => {
        const before = (await sibyl.call('GET', `api/endpoints/${ep}`)).body;
        expect(await host.stop()).toBe(0);
        host = await startHost({
          appDir: REPO_ROOT,
          dataDir: host.dataDir,
          functionKey: host.functionKey,
          masterKey: host.masterKey,
        });
        sibyl = new ServingClient(host);
        const after = await sibyl.call('GET', `api/endpoints/${ep}`);
        expect(after.status).toBe(200);
        expect(after.body).toMatchObject({ name: ep, traffic: before.traffic, mirrorTraffic: before.mirrorTraffic });
        expect(after.body.deployments.map((d: { name: string }) => d.name)).toEqual(
          before.deployments.map((d: { name: string }) => d.name),
        );
        expect((await sibyl.call('GET', `api/models/${model}`)).body.latestVersion).toBe(3);
        expect((await sibyl.keys(ep)).primaryKey).toBe(key);
        const scored = await sibyl.score(ep, { data: ROWS }, key);
        expect(scored.status).toBe(200);
        expect(sameFloat32Rows(scored.body, expected.blue)).toBe(true);
        const pinned = await sibyl.score(ep, { data: ROWS }, key, { 'azureml-model-deployment': 'shadow' });
        expect(sameFloat32Rows(pinned.body, expected.shadow)).toBe(true);
      },
      HOST_START_MS,
    );
  });
});
