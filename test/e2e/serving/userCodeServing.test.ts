/**
 * Deployments that run user code, end to end through the local host: the runnable examples under
 * `examples/` registered and deployed over HTTP and scored behind the endpoint's key (a Python
 * scoring script over a custom model, a Node module around an ONNX session, a bring-your-own OIP
 * server started by `command`), and the failures Azure ML users expect (an exception in `init()`
 * fails the deployment with the traceback's end; one in `run()` answers 500 with the request id).
 * Python is python3 from this machine, standard library only.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { zipOf } from '../../support/archives';
import { REPO_ROOT, startHost, type HostProcess } from '../../support/hostProcess';
import { filesOf } from '../../support/userCodeReplica';
import { expectError, HOST_START_MS, ServingClient, uniqueSuffix, type Answer } from './support/servingClient';

const RUN = uniqueSuffix();
const EXAMPLES = path.join(REPO_ROOT, 'examples');
const GENERIC = 'An unexpected error occurred in scoring script. Check the logs for more info.';
/** Replicas start Python and Node processes: slow on a busy machine. */
const DEPLOY_MS = 240_000;

async function zipOfFolder(dir: string): Promise<Buffer> {
  return Buffer.from(await zipOf(Object.entries(filesOf(dir)).map(([file, data]) => ({ path: file, data }))));
}

describe('deployments with user code (emulator over HTTP)', () => {
  let host: HostProcess;
  let sibyl: ServingClient;

  async function ok(what: string, answer: Promise<Answer>, status = 201): Promise<Answer> {
    const got = await answer;
    if (got.status !== status) throw new Error(`${what}: ${got.status} ${got.text}`);
    return got;
  }

  const registerCode = (name: string, zip: Buffer) =>
    ok(
      `code ${name}`,
      sibyl.call('POST', `api/code/${name}/versions`, { body: zip, headers: { 'content-type': 'application/zip' } }),
    );

  async function endpointWith(name: string, deployment: Record<string, unknown>): Promise<string> {
    await ok(`endpoint ${name}`, sibyl.putEndpoint(name, { authMode: 'key' }));
    await ok(
      `deployment ${name}/blue`,
      sibyl.putDeployment(name, 'blue', { instance: { minInstances: 1 }, ...deployment }),
    );
    return (await sibyl.keys(name)).primaryKey;
  }

  beforeAll(async () => {
    host = await startHost({ appDir: REPO_ROOT });
    sibyl = new ServingClient(host);
    await ok(
      'weights model',
      sibyl.call('POST', `api/models/iris-weights-${RUN}/versions?type=custom`, {
        body: await zipOfFolder(path.join(EXAMPLES, 'python-score', 'model')),
        headers: { 'content-type': 'application/zip' },
      }),
    );
    await registerCode(`iris-score-${RUN}`, await zipOfFolder(path.join(EXAMPLES, 'python-score', 'code')));
    await registerCode(
      `failing-${RUN}`,
      await zipOf([
        {
          path: 'score.py',
          data: [
            'import json, os',
            'def init():',
            '    if os.environ.get("FAIL_INIT") == "1":',
            '        raise FileNotFoundError("weights.bin is not in the model folder")',
            'def run(raw_data):',
            '    return {"inverse": 1 / json.loads(raw_data)["x"]}',
            '',
          ].join('\n'),
        },
      ]),
    );
  }, HOST_START_MS);

  afterAll(async () => {
    await host?.stop();
  });

  it(
    'serves a score.py over a custom model behind the key',
    async () => {
      const key = await endpointWith(`iris-${RUN}`, {
        model: `iris-weights-${RUN}:1`,
        environment: 'python-3.11@1',
        code: { code: `iris-score-${RUN}:1`, scoringScript: 'score.py' },
      });
      const body = {
        data: [
          [5.1, 3.5, 1.4, 0.2],
          [6.7, 3.0, 5.2, 2.3],
          [5.9, 2.8, 4.3, 1.3],
        ],
      };
      const scored = await sibyl.score(`iris-${RUN}`, body, key);
      expect(scored.status).toBe(200);
      expect(scored.body.predictions.map((p: { label: string }) => p.label)).toEqual([
        'setosa',
        'virginica',
        'versicolor',
      ]);
      expectError(await sibyl.score(`iris-${RUN}`, body, 'not-the-key'), 401);
      expectError(await sibyl.score(`iris-${RUN}`, body, undefined), 401);
    },
    DEPLOY_MS,
  );

  it(
    'maps named features to the ONNX session and back with a Node scoring module',
    async () => {
      const modelFile = path.join(EXAMPLES, 'node-module', 'model', 'model.onnx');
      await ok('churn model', sibyl.registerModel(`churn-${RUN}`, readFileSync(modelFile)));
      await registerCode(`churn-score-${RUN}`, await zipOfFolder(path.join(EXAMPLES, 'node-module', 'code')));
      await ok('node environment', sibyl.call('PUT', `api/environments/node-${RUN}`, { body: { runtime: 'node' } }));
      const key = await endpointWith(`churn-${RUN}`, {
        model: `churn-${RUN}:1`,
        environment: `node-${RUN}@1`,
        code: { code: `churn-score-${RUN}:1`, scoringScript: 'score.js' },
      });
      const instances: Record<string, number>[] = [
        { age: 41, tenure_months: 12, monthly_spend: 80.5, nps: 7 },
        { age: 23, support_calls: 9, late_payments: 3 },
      ];
      const scored = await sibyl.score(`churn-${RUN}`, { instances }, key);
      expect(scored.status).toBe(200);
      const names = JSON.parse(readFileSync(path.join(EXAMPLES, 'node-module', 'code', 'features.json'), 'utf8')) as {
        features: string[];
        classes: string[];
      };
      const session = await ort.InferenceSession.create(modelFile);
      const values = Float32Array.from(instances.flatMap((i) => names.features.map((f) => i[f] ?? 0)));
      const out = await session.run({ features: new ort.Tensor('float32', values, [2, 16]) });
      const probabilities = Array.from(out.probabilities!.data as Float32Array);
      await session.release();
      expect(scored.body.predictions).toEqual(
        instances.map((_, row) => {
          const mine = probabilities.slice(row * 4, row * 4 + 4);
          return {
            label: names.classes[mine.indexOf(Math.max(...mine))],
            probabilities: Object.fromEntries(names.classes.map((c, i) => [c, mine[i]])),
          };
        }),
      );
      expectError(await sibyl.score(`churn-${RUN}`, { instances }, undefined), 401);
    },
    DEPLOY_MS,
  );

  it(
    'serves OIP and score requests through a bring-your-own server started by command',
    async () => {
      const name = `doubler-${RUN}`;
      await registerCode(`oip-server-${RUN}`, await zipOfFolder(path.join(EXAMPLES, 'custom-oip-server', 'code')));
      await ok(
        'custom environment',
        sibyl.call('PUT', `api/environments/oip-${RUN}`, {
          body: {
            runtime: 'custom',
            command: ['python3', 'server.py'],
            port: 8080,
            protocol: 'oip',
            routes: { liveness: '/v2/health/live', readiness: '/v2/health/ready', scoring: '/score' },
            variables: { MODEL_NAME: name },
          },
        }),
      );
      const key = await endpointWith(name, {
        model: `iris-weights-${RUN}:1`,
        environment: `oip-${RUN}@1`,
        code: { code: `oip-server-${RUN}:1` },
      });
      const input = { inputs: [{ name: 'x', shape: [3], datatype: 'FP32', data: [1, 2, 3.5] }] };
      const inferred = await sibyl.infer(name, input, key);
      expect(inferred.status).toBe(200);
      expect(inferred.body).toMatchObject({ model_name: name, outputs: [{ name: 'y', data: [2, 4, 7] }] });
      const scored = await sibyl.score(name, { data: [1, 5] }, key);
      expect(scored.status).toBe(200);
      expect(scored.body.result).toEqual([2, 10]);
      expect(typeof scored.body.requestId).toBe('string');
      expect((await sibyl.infer(name, input, 'not-the-key')).status).toBe(401);
    },
    DEPLOY_MS,
  );

  it(
    'answers an exception in run() with 500, the generic message and the request id',
    async () => {
      const key = await endpointWith(`run-fails-${RUN}`, {
        model: `iris-weights-${RUN}:1`,
        environment: 'python-3.11@1',
        code: { code: `failing-${RUN}:1`, scoringScript: 'score.py' },
      });
      expect((await sibyl.score(`run-fails-${RUN}`, { x: 4 }, key)).body).toEqual({ inverse: 0.25 });
      const failed = await sibyl.score(`run-fails-${RUN}`, { x: 0 }, key);
      expect(failed.status).toBe(500);
      expect(failed.body.error).toEqual({
        code: 'ScoringScriptError',
        message: GENERIC,
        requestId: expect.stringMatching(/\S/),
      });
    },
    DEPLOY_MS,
  );

  it(
    "fails the deployment when init() raises, with the traceback's end in its error",
    async () => {
      await ok(
        'env with FAIL_INIT',
        sibyl.call('PUT', `api/environments/fail-init-${RUN}`, {
          body: { runtime: 'python', variables: { FAIL_INIT: '1' } },
        }),
      );
      const code = { code: `failing-${RUN}:1`, scoringScript: 'score.py' };
      const traceback =
        /line 4, in init .*raise FileNotFoundError.* FileNotFoundError: weights\.bin is not in the model folder$/;
      // A new deployment is refused with the traceback's end.
      const name = `init-fails-${RUN}`;
      await ok(`endpoint ${name}`, sibyl.putEndpoint(name, { authMode: 'key' }));
      const spec = { model: `iris-weights-${RUN}:1`, environment: `fail-init-${RUN}@1`, code };
      expect(expectError(await sibyl.putDeployment(name, 'blue', spec), 400, 'InvalidModel')).toMatch(traceback);
      // An update of a serving one reports Failed with it, and the previous version keeps serving.
      const key = await endpointWith(`init-update-${RUN}`, { ...spec, environment: 'python-3.11@1' });
      const updated = await sibyl.putDeployment(`init-update-${RUN}`, 'blue', spec);
      expect(expectError(updated, 400, 'InvalidModel')).toMatch(traceback);
      const shown = await sibyl.call('GET', `api/endpoints/init-update-${RUN}/deployments/blue`);
      expect(shown.body.provisioningState).toBe('Failed');
      expect(shown.body.error).toMatch(traceback);
      expect((await sibyl.score(`init-update-${RUN}`, { x: 2 }, key)).body).toEqual({ inverse: 0.5 });
    },
    DEPLOY_MS,
  );
});
