/**
 * A costly model's runs in a thread of their own (`scorer/threadedModel.ts`), in a scorer replica started
 * as the local compute starts one: the same answers as the model on the request thread, the same refusals,
 * requests answered while a long run goes on, and a clean drain.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { mlpModel } from '../../../scripts/onnx/mlpModel';
import { ModelSession } from '../../../shared/scoring/modelSession';
import { failsAtRunModel } from '../../support/failingModels';
import { startReplica, uploadModel, type Replica } from '../../support/userCodeReplica';

const RUN = Date.now().toString(36);
/** Costly: about 4 million multiply-adds a row, far past HTTP's cost per request. */
const COSTLY = mlpModel({ inputs: 16, hidden: [2048, 2048], outputs: 4, seed: 9 });
const rowsOf = (n: number) => Array.from({ length: n * 16 }, (_, i) => ((i * 7) % 13) / 13);

jest.setTimeout(120_000);

describe('a costly model on a thread of its own', () => {
  const cacheDir = mkdtempSync(path.join(tmpdir(), 'sibyl-threaded-test-'));
  const replicas: Replica[] = [];

  beforeAll(async () => {
    await uploadModel(`costly-${RUN}`, 1, { 'model.onnx': Buffer.from(COSTLY) }, 'model.onnx');
    await uploadModel(`broken-${RUN}`, 1, { 'model.onnx': Buffer.from(failsAtRunModel()) }, 'model.onnx');
  });

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    rmSync(cacheDir, { recursive: true, force: true });
  });

  function replica(model: string): Replica {
    const started = startReplica({
      SIBYL_SCORER_MODEL: `${model}:1`,
      SIBYL_MODEL_CACHE_DIR: path.join(cacheDir, 'models'),
    });
    replicas.push(started);
    return started;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read answers of several shapes
  async function call(r: Replica, route: string, body?: unknown): Promise<{ status: number; json: any }> {
    const port = await r.listening;
    const res = await fetch(`http://127.0.0.1:${port}${route}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${r.key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    return { status: res.status, json: await res.json() };
  }

  const infer = (r: Replica, model: string, name: string, rows: number, width: number) =>
    call(r, `/v2/models/${model}/versions/1/infer`, {
      inputs: [{ name, datatype: 'FP32', shape: [rows, width], data: rowsOf(rows).slice(0, rows * width) }],
    });

  it('answers what the model answers on the request thread, and goes on answering during a long run', async () => {
    const r = replica(`costly-${RUN}`);
    await r.listening;
    expect(r.stdout()).toMatch(/1 HTTP worker, the model on a thread of its own\)/);

    const local = await ModelSession.load(COSTLY);
    try {
      const data = new Float32Array(rowsOf(3));
      const [expected] = await local.run([{ name: 'features', datatype: 'FP32', shape: [3, 16], data }]);
      const answer = await infer(r, `costly-${RUN}`, 'features', 3, 16);
      expect(answer.status).toBe(200);
      expect(answer.json.outputs[0].shape).toEqual([3, 4]);
      // Shortest float32 text: each number read back as a float32 is the model's output, bit for bit.
      const got = (answer.json.outputs[0].data as number[]).map((v) => Math.fround(v));
      expect(got).toEqual(Array.from(expected!.data as Float32Array));
    } finally {
      await local.release();
    }

    // A run of thousands of rows takes a good part of a second; probes keep being answered meanwhile.
    let long = true;
    const running = infer(r, `costly-${RUN}`, 'features', 8192, 16).finally(() => (long = false));
    let answeredDuring = 0;
    while (long) {
      const probe = await call(r, '/v2/health/live');
      expect(probe.status).toBe(200);
      if (long) answeredDuring++;
    }
    expect((await running).status).toBe(200);
    expect(answeredDuring).toBeGreaterThan(20);
  });

  it("refuses what the model refuses, with ONNX Runtime's reason, and drains on SIGTERM", async () => {
    const r = replica(`broken-${RUN}`);
    await r.listening;
    // The broken model could not be measured (its warm-up run fails): it is treated as costly.
    expect(r.stdout()).toMatch(/the model on a thread of its own/);
    const answer = await infer(r, `broken-${RUN}`, 'x', 2, 3);
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatch(/ONNX Runtime failed to run the model/);
    r.child.kill('SIGTERM');
    expect(await r.exited).toBe(0);
  });
});
