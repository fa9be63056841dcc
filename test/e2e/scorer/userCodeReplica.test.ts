/**
 * Replicas that run user code (environments issue), at the scorer level: the scorer program started as
 * the local compute starts it, with a user runtime in its settings and the code asset and model in
 * Blob storage (Azurite). Python runs with python3 from this machine (standard library only).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import * as ort from 'onnxruntime-node';
import { userRuntimeSettings, type UserRuntime } from '../../../shared/compute/userRuntime';
import { pollUntil } from '../../support/poll';
import { filesOf, startReplica, uploadCode, uploadModel, type Replica } from '../../support/userCodeReplica';

const EXAMPLES = path.resolve(__dirname, '..', '..', '..', 'examples');
const RUN = Date.now().toString(36);
const GENERIC = 'An unexpected error occurred in scoring script. Check the logs for more info.';

/** A JSON answer, read loosely: each test states the shape it expects. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read answers of many shapes
type Answer = any;

function runtime(spec: Partial<UserRuntime> & Pick<UserRuntime, 'runtime'>): UserRuntime {
  return { environmentHash: `hash-${RUN}`, variables: {}, ...spec };
}

/** A scoring script (`score.py`/`score.js` unless `more` names another) of code asset `{code}-{RUN}`:1. */
function scriptOf(language: 'python' | 'node', code: string, more: Partial<UserRuntime> = {}): UserRuntime {
  const scoringScript = language === 'python' ? 'score.py' : 'score.js';
  return runtime({ runtime: language, code: { name: `${code}-${RUN}`, version: 1 }, scoringScript, ...more });
}

// Starting a replica creates virtual environments and Python processes: slow on a busy machine.
jest.setTimeout(240_000);

describe('user-code replicas (scorer)', () => {
  const cacheDir = mkdtempSync(path.join(tmpdir(), 'sibyl-user-code-test-'));
  const replicas: Replica[] = [];

  function replica(user: UserRuntime, model?: string, extra: Record<string, string> = {}): Replica {
    const started = startReplica({
      ...userRuntimeSettings(user),
      ...(model ? { SIBYL_SCORER_MODEL: model } : {}),
      SIBYL_USER_CODE_DIR: cacheDir,
      SIBYL_MODEL_CACHE_DIR: path.join(cacheDir, 'models'),
      ...extra,
    });
    replicas.push(started);
    return started;
  }

  async function call(
    r: Replica,
    method: string,
    route: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; text: string; json: Answer; type: string | null }> {
    const port = await r.listening;
    const res = await fetch(`http://127.0.0.1:${port}${route}`, {
      method,
      headers: { authorization: `Bearer ${r.key}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: Answer;
    try {
      json = JSON.parse(text) as unknown;
    } catch {
      json = undefined;
    }
    return { status: res.status, text, json, type: res.headers.get('content-type') };
  }

  const iris = [
    [5.1, 3.5, 1.4, 0.2],
    [6.7, 3.0, 5.2, 2.3],
    [5.9, 2.8, 4.3, 1.3],
  ];

  beforeAll(async () => {
    await uploadModel(`weights-${RUN}`, 1, filesOf(path.join(EXAMPLES, 'python-score', 'model')));
    await uploadCode(`pyscore-${RUN}`, 1, filesOf(path.join(EXAMPLES, 'python-score', 'code')));
    await uploadModel(`churn-${RUN}`, 1, filesOf(path.join(EXAMPLES, 'node-module', 'model')), 'model.onnx');
    await uploadCode(`nodescore-${RUN}`, 1, filesOf(path.join(EXAMPLES, 'node-module', 'code')));
    await uploadCode(`oipserver-${RUN}`, 1, filesOf(path.join(EXAMPLES, 'custom-oip-server', 'code')));
    await uploadCode(`failing-${RUN}`, 1, {
      'score.py': [
        'import json, os',
        'def init():',
        '    if os.environ.get("FAIL_INIT") == "1":',
        '        raise RuntimeError("weights file is corrupt")',
        'def run(raw_data):',
        '    if isinstance(raw_data, list):',
        '        return raw_data[:1]',
        '    body = json.loads(raw_data)',
        '    return {"inverse": 1 / body["x"]}',
        '',
      ].join('\n'),
      'score.js': [
        'exports.init = async () => { if (process.env.FAIL_INIT === "1") throw new Error("no session today"); };',
        'exports.run = async (body) => { if (body.boom) throw new Error("run exploded"); return body; };',
        '',
      ].join('\n'),
      'prefix.py': 'import sys\ndef run(raw_data):\n    return sys.prefix\n',
    });
    await uploadCode(`envview-${RUN}`, 1, {
      'score.py': 'import os\ndef run(raw_data):\n    return sorted(os.environ)\n',
      'score.js': 'exports.run = async () => Object.keys(process.env).sort();\n',
    });
  });

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    rmSync(cacheDir, { recursive: true, force: true });
  });

  describe('python', () => {
    let r: Replica;
    beforeAll(() => {
      r = replica(scriptOf('python', 'pyscore'), `weights-${RUN}:1`);
    });

    it("answers run()'s return value, behind the key, once init() has returned", async () => {
      const port = await r.listening;
      expect((await fetch(`http://127.0.0.1:${port}/v2/health/ready`)).status).toBe(200);
      const res = await call(r, 'POST', '/score', { data: iris });
      expect(res.status).toBe(200);
      expect(res.json.predictions.map((p: { label: string }) => p.label)).toEqual([
        'setosa',
        'virginica',
        'versicolor',
      ]);
      const anonymous = await fetch(`http://127.0.0.1:${port}/score`, { method: 'POST', body: '{}' });
      expect(anonymous.status).toBe(401);
      // init() printed, after the replica's own line.
      expect(r.stdout()).toMatch(/listening on port \d+[^]*Loaded .*weights\.json/);
    });

    it('answers 404 naming the score route for OIP routes', async () => {
      const res = await call(r, 'POST', '/v2/models/x/infer', {});
      expect(res.status).toBe(404);
      expect(res.json.error.message).toMatch(/POST \/score/);
    });

    it('scores a mini-batch of files and of rows', async () => {
      const csv = 'sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n';
      const files = await call(r, 'POST', '/batch', {
        files: [
          { name: 'a.csv', contentBase64: Buffer.from(csv).toString('base64') },
          { name: 'b.csv', contentBase64: Buffer.from(csv.split('\n').slice(0, 2).join('\n')).toString('base64') },
        ],
      });
      expect(files.status).toBe(200);
      expect(files.json).toEqual({
        results: [
          { file: 'a.csv', labels: ['setosa', 'virginica'] },
          { file: 'b.csv', labels: ['setosa'] },
        ],
      });
      const rows = await call(r, 'POST', '/batch', {
        columns: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
        rows: iris,
      });
      expect(rows.status).toBe(200);
      expect(rows.json.results.map((p: { label: string }) => p.label)).toEqual(['setosa', 'virginica', 'versicolor']);
    });

    it('refuses bad mini-batches with 400', async () => {
      const cases: [unknown, RegExp][] = [
        [{ files: [{ name: '../x.csv', contentBase64: '' }] }, /plain file name/],
        [{ files: [{ name: 'a.csv', contentBase64: '!!' }] }, /base64/],
        [
          {
            files: [
              { name: 'a', contentBase64: '' },
              { name: 'a', contentBase64: '' },
            ],
          },
          /twice/,
        ],
        [{ columns: ['a'], rows: [[1, 2]] }, /Row 0/],
        [{ rows: [] }, /mini-batch is/],
      ];
      for (const [body, message] of cases) {
        const res = await call(r, 'POST', '/batch', body);
        expect(res.status).toBe(400);
        expect(res.json.error.message).toMatch(message);
      }
      const notJson = await call(r, 'POST', '/batch', '{');
      expect(notJson.status).toBe(400);
    });
  });

  it('answers an exception in run() with a generic 500 and the request id, the traceback in stderr', async () => {
    const r = replica(scriptOf('python', 'failing'));
    const ok = await call(r, 'POST', '/score', { x: 4 });
    expect(ok.json).toEqual({ inverse: 0.25 });
    const res = await call(r, 'POST', '/score', { x: 0 }, { 'x-request-id': 'req-zero-1' });
    expect(res.status).toBe(500);
    expect(res.json).toEqual({ error: { code: 'ScoringScriptError', message: GENERIC, requestId: 'req-zero-1' } });
    await pollUntil(() => /\[request req-zero-1\] ZeroDivisionError: division by zero/.test(r.stderr()), 'traceback');
    expect(r.stderr()).toMatch(/\[request req-zero-1\] Traceback/);
    // A mini-batch whose run() returns fewer results than inputs.
    const short = await call(r, 'POST', '/batch', { columns: ['x'], rows: [[1], [2]] }, { 'x-request-id': 'b-1' });
    expect(short.status).toBe(500);
    expect(short.json.error).toEqual({
      code: 'ScoringScriptError',
      message: expect.stringMatching(/returned 1 results for 2 inputs/),
      requestId: 'b-1',
    });
  });

  it('exits with code 3 when init() raises, the exception line last on stderr', async () => {
    const r = replica(scriptOf('python', 'failing', { variables: { FAIL_INIT: '1' } }));
    expect(await r.exited).toBe(3);
    const lines = r.stderr().trimEnd().split('\n');
    expect(lines.at(-1)).toBe('RuntimeError: weights file is corrupt');
    expect(lines.slice(-3).join('\n')).toMatch(/in init/);
  });

  it('exits with code 3 and a clear message when the interpreter is missing', async () => {
    const r = replica(scriptOf('python', 'failing'), undefined, { SIBYL_PYTHON: '/nonexistent/bin/python3' });
    expect(await r.exited).toBe(3);
    expect(r.stderr().trimEnd().split('\n').at(-1)).toMatch(
      /No Python interpreter '\/nonexistent\/bin\/python3': set SIBYL_PYTHON/,
    );
  });

  it('refuses a code asset whose file changed in storage, exiting with code 3', async () => {
    await uploadCode(`tampered-${RUN}`, 1, { 'score.py': 'def run(raw_data):\n    return raw_data\n' });
    await BlobServiceClient.fromConnectionString(process.env.SIBYL_TEST_STORAGE_CONNECTION_STRING!)
      .getContainerClient('code')
      .getBlockBlobClient(`tampered-${RUN}/1/score.py`)
      .uploadData(Buffer.from('import os\nos.system("echo owned")\n'));
    const r = replica(scriptOf('python', 'tampered'));
    expect(await r.exited).toBe(3);
    expect(r.stderr()).toMatch(new RegExp(`Code asset tampered-${RUN}:1 file 'score.py' has changed in storage`));
    expect(r.stdout()).not.toMatch(/owned/);
  });

  describe("the replica's environment as user code sees it", () => {
    // The replica's own environment besides what startReplica sets: a kept basic, a proxy setting (for pip only)
    // and a setting user code has no business with.
    const extra = { LANG: 'C.UTF-8', no_proxy: 'example.invalid', UNRELATED_SETTING: 'x' };
    const variables = { MODEL_FLAVOUR: 'small' };
    const names = async (r: Replica) => (await call(r, 'POST', '/score', {})).json as string[];

    it("a Python process: the basics, the environment's variables and Sibyl's own, no scorer setting", async () => {
      const r = replica(scriptOf('python', 'envview', { variables }), undefined, extra);
      const seen = await names(r);
      expect(seen).toEqual(
        expect.arrayContaining([
          'AZUREML_ENTRY_SCRIPT',
          'HOME',
          'LANG',
          'MODEL_FLAVOUR',
          'PATH',
          'PORT',
          'PYTHONNODEBUGRANGES',
          'PYTHONUNBUFFERED',
        ]),
      );
      // Beyond those only what the interpreter's own wrapper adds (pyenv's shim: PYENV_*, PWD, SHLVL).
      const replicaOnly = /^(SIBYL_|AzureWebJobs|no_proxy$|UNRELATED_SETTING$)/;
      expect(seen.filter((name) => replicaOnly.test(name))).toEqual([]);
    });

    it("a node module (sharing the scorer's process): its environment less the scorer's settings", async () => {
      const r = replica(scriptOf('node', 'envview', { variables }), undefined, extra);
      expect(await names(r)).toEqual(
        ['HOME', 'LANG', 'MODEL_FLAVOUR', 'PATH', 'PORT', 'UNRELATED_SETTING', 'no_proxy'].sort(),
      );
    });
  });

  describe('python environments', () => {
    it("fails the replica with pip's message when a package cannot be installed", async () => {
      const r = replica(
        scriptOf('python', 'failing', {
          environmentHash: `nopkg-${RUN}`,
          python: { pythonVersion: '3.11', pip: ['sibyl-no-such-package-4242'] },
        }),
        undefined,
        { PIP_NO_INDEX: '1' },
      );
      expect(await r.exited).toBe(3);
      const tail = r.stderr().trimEnd().split('\n').slice(-3).join('\n');
      expect(tail).toMatch(/sibyl-no-such-package-4242/);
    });

    it('builds a virtual environment once per environment version and reuses it', async () => {
      // `pip` is in every new virtual environment: installing it needs no index.
      const spec = scriptOf('python', 'failing', {
        scoringScript: 'prefix.py',
        environmentHash: `venv-${RUN}`,
        python: { pythonVersion: '3.11', conda: 'dependencies:\n  - python=3.11\n  - pip:\n    - pip\n' },
      });
      const first = replica(spec, undefined, { PIP_NO_INDEX: '1' });
      const prefix = (await call(first, 'POST', '/score', '')).text;
      expect(prefix).toBe(path.join(cacheDir, 'venvs', `venv-${RUN}`));
      expect(first.stdout()).toMatch(/Creating the Python environment/);
      const second = replica(spec, undefined, { PIP_NO_INDEX: '1' });
      expect((await call(second, 'POST', '/score', '')).text).toBe(prefix);
      expect(second.stdout()).toMatch(/Reusing the Python environment/);
      expect(second.stdout()).not.toMatch(/Creating the Python environment/);
    });
  });

  describe('node', () => {
    let r: Replica;
    beforeAll(() => {
      r = replica(scriptOf('node', 'nodescore'), `churn-${RUN}:1`);
    });

    it('maps named features to the ONNX session and back', async () => {
      const instances: Record<string, number>[] = [
        { age: 41, tenure_months: 12, monthly_spend: 80.5, nps: 7 },
        { age: 23, support_calls: 9, late_payments: 3 },
      ];
      const res = await call(r, 'POST', '/score', { instances });
      expect(res.status).toBe(200);
      const predictions = res.json.predictions as { label: string; probabilities: Record<string, number> }[];
      // The same model run here on the same features gives the same classes.
      const features = JSON.parse(filesOf(path.join(EXAMPLES, 'node-module', 'code'))['features.json']!.toString()) as {
        features: string[];
        classes: string[];
      };
      const session = await ort.InferenceSession.create(path.join(EXAMPLES, 'node-module', 'model', 'model.onnx'));
      const values = Float32Array.from(instances.flatMap((i) => features.features.map((f) => Number(i[f] ?? 0))));
      const out = await session.run({ features: new ort.Tensor('float32', values, [2, 16]) });
      const probs = Array.from(out.probabilities!.data as Float32Array);
      predictions.forEach((p, row) => {
        const expected = probs.slice(row * 4, row * 4 + 4);
        expect(Object.values(p.probabilities)).toEqual(expected);
        expect(p.label).toBe(features.classes[expected.indexOf(Math.max(...expected))]);
      });
      await session.release();
    });

    it('scores a mini-batch of rows', async () => {
      const res = await call(r, 'POST', '/batch', {
        columns: ['age', 'nps'],
        rows: [
          [30, 1],
          [50, 9],
          [20, 4],
        ],
      });
      expect(res.status).toBe(200);
      expect(res.json.results).toHaveLength(3);
      expect(res.json.results[0]).toHaveProperty('label');
    });

    it('answers a failing run() with a generic 500 and logs the stack with the request id', async () => {
      const failing = replica(scriptOf('node', 'failing'));
      expect((await call(failing, 'POST', '/score', { a: 1 })).json).toEqual({ a: 1 });
      const res = await call(failing, 'POST', '/score', { boom: true }, { 'x-request-id': 'node-7' });
      expect(res.status).toBe(500);
      expect(res.json).toEqual({ error: { code: 'ScoringScriptError', message: GENERIC, requestId: 'node-7' } });
      await pollUntil(() => /\[request node-7\] Error: run exploded/.test(failing.stderr()), 'the stack');
      const files = await call(failing, 'POST', '/batch', {
        files: [{ name: 'a.txt', contentBase64: Buffer.from('hi').toString('base64') }],
      });
      // run() echoes its input: the one local path of the mini-batch.
      expect(files.json.results).toEqual([expect.stringMatching(/a\.txt$/)]);
    });

    it('exits with code 3 when init() throws, the error line last', async () => {
      const failing = replica(scriptOf('node', 'failing', { variables: { FAIL_INIT: '1' } }));
      // The module runs in the replica's process, so the variables are the replica's too.
      expect(await failing.exited).toBe(3);
      expect(failing.stderr().trimEnd().split('\n').at(-1)).toBe('Error: no session today');
    });
  });

  describe('custom', () => {
    let r: Replica;
    const server = () =>
      runtime({
        runtime: 'custom',
        code: { name: `oipserver-${RUN}`, version: 1 },
        custom: {
          command: ['python3', 'server.py'],
          port: 8080,
          routes: { liveness: '/v2/health/live', readiness: '/v2/health/ready', scoring: '/score' },
          protocol: 'oip',
        },
      });
    beforeAll(() => {
      r = replica(server());
    });

    it('forwards OIP and score requests to the server started by command', async () => {
      const infer = await call(r, 'POST', '/v2/models/doubler/infer', {
        id: 'q1',
        inputs: [{ name: 'x', shape: [3], datatype: 'FP32', data: [1, 2, 3.5] }],
      });
      expect(infer.status).toBe(200);
      expect(infer.json).toMatchObject({ id: 'q1', outputs: [{ name: 'y', data: [2, 4, 7] }] });
      expect((await call(r, 'GET', '/v2/models/doubler')).json.name).toBe('doubler');
      const score = await call(r, 'POST', '/score', { data: [1, 5] }, { 'x-request-id': 'c-1' });
      expect(score.json).toEqual({ result: [2, 10], requestId: 'c-1' });
      const missing = await call(r, 'GET', '/v2/models/nope');
      expect(missing.status).toBe(404);
      // The server's own "listening on port" line comes after the replica's, so the replica's port is the one read.
      const port = await r.listening;
      expect(r.stdout().indexOf(`listening on port ${port}`)).toBeLessThan(r.stdout().indexOf('custom-oip-server'));
      expect((await fetch(`http://127.0.0.1:${port}/v2/models/doubler`)).status).toBe(401);
    });

    it('with protocol azureml, sends only the score route on and refuses OIP and mini-batches with 404', async () => {
      const azureml = server();
      azureml.custom!.protocol = 'azureml';
      const other = replica(azureml);
      expect((await call(other, 'POST', '/score', { data: [3] })).json.result).toEqual([6]);
      const oip = await call(other, 'POST', '/v2/models/doubler/infer', {});
      expect(oip.status).toBe(404);
      expect(oip.json.error.message).toMatch(/POST \/score/);
      const batch = await call(other, 'POST', '/batch', { columns: ['x'], rows: [[1]] });
      expect(batch.status).toBe(404);
      expect(batch.json.error.message).toMatch(/no scoring script/);
      await other.stop();
    });

    it('leaves no user process behind when the replica stops or its host goes', async () => {
      const children = (pid: number) =>
        execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
          .trim()
          .split(/\s+/)
          .filter(Boolean);
      const alive = (pid: string) => {
        try {
          process.kill(Number(pid), 0);
          return true;
        } catch {
          return false;
        }
      };
      for (const how of ['SIGTERM', 'stdin'] as const) {
        const other = replica(server(), undefined, { SIBYL_SCORER_PARENT_PIPE: '1' });
        await other.listening;
        const users = children(other.child.pid!);
        expect(users).toHaveLength(1);
        if (how === 'SIGTERM') other.child.kill('SIGTERM');
        else other.child.stdin!.end();
        await other.exited;
        await pollUntil(() => !alive(users[0]!), `the custom server to stop (${how})`);
      }
      // A replica stopped while its server is still starting (never ready here) takes it down too.
      const starting = server();
      starting.custom!.routes = { ...starting.custom!.routes, readiness: '/never-ready' };
      const early = replica(starting);
      const [user] = await pollUntil(() => {
        const found = children(early.child.pid!);
        return found.length ? found : undefined;
      }, 'the custom server to start');
      early.child.kill('SIGTERM');
      await early.exited;
      await pollUntil(() => !alive(user!), 'the starting custom server to stop');
      // The Python runner also goes when its replica is killed outright.
      const python = replica(scriptOf('python', 'failing'));
      await python.listening;
      const [runner] = children(python.child.pid!);
      python.child.kill('SIGKILL');
      await python.exited;
      await pollUntil(() => !alive(runner!), 'the Python runner to stop');
    });
  });
});
