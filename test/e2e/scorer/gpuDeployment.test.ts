/**
 * `gpu` (and `container`) deployments are served by the scorer container: here the local scorer
 * child process on CPU. Outputs equal in-process ONNX Runtime; a dead scorer answers 503 quickly,
 * and the next request after it is back succeeds.
 */
import * as path from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { mlpModel } from '../../../scripts/onnx/mlpModel';
import { startLocalScorer, type LocalScorer } from '../../../scripts/localScorer';
import { REPO_ROOT, startHost, type HostProcess } from '../../support/hostProcess';

const SCORER_MAIN = path.join(REPO_ROOT, 'dist', 'scorer', 'main.js');

describe('gpu deployments through the scorer', () => {
  let host: HostProcess;
  let scorer: LocalScorer;
  const storage = process.env.SIBYL_TEST_STORAGE_CONNECTION_STRING!;
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
    scorer = await startLocalScorer(storage, { mainFile: SCORER_MAIN });
    host = await startHost({ appDir: REPO_ROOT, env: { SIBYL_SCORER_URL: scorer.url, SIBYL_SCORER_KEY: scorer.key } });
    expect((await control('POST', 'api/models/gpu-mlp/versions', model, 'application/octet-stream')).status).toBe(201);
    expect((await control('PUT', 'api/environments/gpu-env', { executionProviders: ['cuda', 'cpu'], compute: { kind: 'gpu', gpu: 'T4' } })).status).toBe(201);
    expect((await control('PUT', 'api/endpoints/gpu-demo', { authMode: 'key' })).status).toBe(201);
    const deployed = await control('PUT', 'api/endpoints/gpu-demo/deployments/gpu-blue', { model: 'gpu-mlp:1', environment: 'gpu-env@1' });
    expect(deployed.status).toBe(201);
    endpointKey = ((await (await control('GET', 'api/endpoints/gpu-demo/keys')).json()) as { primaryKey: string }).primaryKey;
  }, 120_000);

  afterAll(async () => {
    await host?.stop();
    await scorer?.stop();
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

  it('answers 503 with a clear error while the scorer is down, then recovers', async () => {
    await scorer.stop();
    // A refused connection answers at once; a hang would run into the test's own timeout.
    const down = await score();
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBeTruthy();
    const body = (await down.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('ServiceUnavailable');
    expect(body.error.message).toMatch(/scorer is not reachable/);
    scorer = await startLocalScorer(storage, { mainFile: SCORER_MAIN, port: scorer.port, key: scorer.key });
    const back = await score();
    expect(back.status).toBe(200);
  });
});
