/**
 * Deployments that run user code, end to end through the Function App and the local compute: a
 * `score.py` over a custom model (a JSON weights file) answers behind the endpoint key, its run()
 * failure answers 500 with the request id; a bring-your-own OIP server started by `command` serves the
 * OIP routes (forwarded unchanged) and the score route behind the key. Python from this machine
 * (standard library only).
 */
import { readFileSync } from 'node:fs';
import { BlobServiceClient } from '@azure/storage-blob';
import * as path from 'node:path';
import { tarGzOf, type ArchiveEntry } from '../../support/archives';
import { pollUntil } from '../../support/poll';
import { mlpModel } from '../../../scripts/onnx/mlpModel';
import { REPO_ROOT } from '../../support/hostProcess';
import { expectError, expectOipError, HOST_START_MS, type ServingClient, uniqueSuffix } from './support/servingClient';
import { servingHost } from './support/servingHost';

const RUN = uniqueSuffix();
const EXAMPLE = path.join(REPO_ROOT, 'examples', 'python-score');

/** A stand-in OIP server: serves any model name, echoing the path it was called on. */
const OIP_SERVER = `
import json, os, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self, status, body, content_type="application/json"):
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self):
        if self.path.startswith("/v2/health/"):
            return self.answer(200, {"ready": True})
        if self.path.startswith("/v2/models/"):
            return self.answer(200, {"name": self.path.split("/")[3], "platform": "byo", "path": self.path})
        self.answer(404, {"error": "no route " + self.path})

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.endswith("/infer"):
            x = json.loads(body)["inputs"][0]
            out = [{"name": "y", "shape": x["shape"], "datatype": "FP32", "data": [3 * v for v in x["data"]]}]
            return self.answer(200, {"model_name": "byo", "outputs": out, "path": self.path})
        if self.path == "/score":
            if body == b"hold":
                time.sleep(60)
            if body == b"sleep":
                time.sleep(4)
                return self.answer(200, {"slept": True})
            if body == b"teapot":
                return self.answer(418, b"short and stout", "text/plain")
            return self.answer(200, {"tripled": [3 * v for v in json.loads(body)["data"]],
                                     "requestId": self.headers.get("x-request-id")})
        self.answer(404, {"error": "no route " + self.path})

    def log_message(self, format, *args):
        pass

ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
`;

/** The example's classifier, in TypeScript: what score.py must answer. */
function expectedLabels(rows: number[][]): string[] {
  const model = JSON.parse(readFileSync(path.join(EXAMPLE, 'model', 'weights.json'), 'utf8')) as {
    classes: string[];
    weights: number[][];
    bias: number[];
  };
  return rows.map((values) => {
    const scores = model.weights.map((w, c) => w.reduce((sum, wi, i) => sum + wi * values[i]!, model.bias[c]!));
    return model.classes[scores.indexOf(Math.max(...scores))]!;
  });
}

const folderEntries = (folder: string, names: string[]): ArchiveEntry[] =>
  names.map((name) => ({ path: name, data: readFileSync(path.join(folder, name)) }));

// Replicas start Python processes: slow on a busy machine.
jest.setTimeout(300_000);

describe('user-code deployments through the Function App (local compute)', () => {
  let sibyl: ServingClient;
  const scored = `score-${RUN}`;
  const byo = `byo-${RUN}`;
  const keys = new Map<string, string>();

  const upload = async (route: string, entries: ArchiveEntry[]) => {
    const answer = await sibyl.call('POST', route, {
      body: await tarGzOf(entries),
      headers: { 'content-type': 'application/gzip' },
    });
    expect(`${answer.status} ${answer.text}`).toMatch(/^201 /);
  };
  const post = (endpoint: string, route: string, body: string, key = keys.get(endpoint)) =>
    sibyl.call('POST', route, {
      anonymous: true,
      body,
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    });

  servingHost(
    async (client) => {
      sibyl = client;
      await upload(
        `api/models/weights-${RUN}/versions?type=custom`,
        folderEntries(path.join(EXAMPLE, 'model'), ['weights.json']),
      );
      await upload(`api/code/iris-score-${RUN}/versions`, folderEntries(path.join(EXAMPLE, 'code'), ['score.py']));
      await upload(`api/code/byo-${RUN}/versions`, [{ path: 'server.py', data: OIP_SERVER }]);
      const env = await sibyl.call('PUT', `api/environments/byo-${RUN}`, {
        body: {
          runtime: 'custom',
          command: ['python3', 'server.py'],
          protocol: 'oip',
          routes: { readiness: '/v2/health/ready', scoring: '/score' },
        },
      });
      expect(env.status).toBe(201);
      for (const [endpoint, spec] of [
        [
          scored,
          {
            model: `weights-${RUN}:1`,
            environment: 'python-3.11@1',
            code: { code: `iris-score-${RUN}:1`, scoringScript: 'score.py' },
            instance: { minInstances: 1, maxInstances: 1 },
          },
        ],
        [
          byo,
          {
            model: `weights-${RUN}:1`,
            environment: `byo-${RUN}@1`,
            code: { code: `byo-${RUN}:1` },
            instance: { minInstances: 1, maxInstances: 1 },
            requestTimeoutMs: 1500,
            dataCollection: { enabled: true },
          },
        ],
      ] as const) {
        expect((await sibyl.putEndpoint(endpoint, { authMode: 'key' })).status).toBe(201);
        const deployed = await sibyl.putDeployment(endpoint, 'blue', spec);
        expect(`${deployed.status} ${deployed.text}`).toMatch(/^201 /);
        keys.set(endpoint, (await sibyl.keys(endpoint)).primaryKey);
      }
    },
    { timeoutMs: HOST_START_MS + 300_000 },
  );

  it('answers with score.py over the custom model behind the key', async () => {
    const rows = [
      [5.1, 3.5, 1.4, 0.2],
      [6.7, 3.0, 5.2, 2.3],
      [5.9, 2.8, 4.3, 1.3],
    ];
    const answer = await post(scored, `api/endpoints/${scored}/score`, JSON.stringify({ data: rows }));
    expect(answer.status).toBe(200);
    expect(answer.headers.get('azureml-model-deployment')).toBe('blue');
    const labels = (answer.body as { predictions: { label: string }[] }).predictions.map((p) => p.label);
    expect(labels).toEqual(expectedLabels(rows));
  });

  it('refuses a request without the key before it reaches user code', async () => {
    expectError(await post(scored, `api/endpoints/${scored}/score`, '{"data": [[1, 2, 3, 4]]}', ''), 401);
    expectError(await post(scored, `api/endpoints/${scored}/score`, '{"data": [[1, 2, 3, 4]]}', 'wrong'), 401);
  });

  it('answers 500 with the generic message and the request id when run() raises', async () => {
    const answer = await post(scored, `api/endpoints/${scored}/score`, '{"neither": 1}');
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual({
      error: {
        code: 'ScoringScriptError',
        message: 'An unexpected error occurred in scoring script. Check the logs for more info.',
        requestId: expect.any(String),
      },
    });
  });

  it('sends OIP routes to a user-code replica that serves none as 404 naming the score route', async () => {
    const answer = await post(scored, `api/v2/models/${scored}/infer`, '{"inputs": []}');
    expect(answer.status).toBe(404);
    expect(answer.text).toMatch(/score/);
  });

  it('forwards the OIP routes of a bring-your-own server unchanged, behind the key', async () => {
    const body = JSON.stringify({ inputs: [{ name: 'x', shape: [3], datatype: 'FP32', data: [1, 2, 3] }] });
    const infer = await post(byo, `api/v2/models/${byo}/infer`, body);
    expect(infer.status).toBe(200);
    expect(infer.body).toMatchObject({
      outputs: [{ name: 'y', shape: [3], datatype: 'FP32', data: [3, 6, 9] }],
      path: `/v2/models/${byo}/infer`,
    });
    const pinned = await post(byo, `api/v2/models/${byo}/versions/blue/infer`, body);
    expect(pinned.body).toMatchObject({ path: `/v2/models/${byo}/versions/blue/infer` });

    const metadata = await sibyl.call('GET', `api/v2/models/${byo}`, {
      anonymous: true,
      headers: { authorization: `Bearer ${keys.get(byo)!}` },
    });
    expect(metadata.status).toBe(200);
    expect(metadata.body).toMatchObject({ name: byo, platform: 'byo' });
    expectOipError(await post(byo, `api/v2/models/${byo}/infer`, body, 'wrong'), 401);
  });

  it("sends the score route to the server's scoring route and passes its answer through", async () => {
    const answer = await post(byo, `api/endpoints/${byo}/score`, '{"data": [1, 2]}');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ tripled: [3, 6], requestId: expect.stringMatching(/.+/) });
    // Status, content type and body as the server sent them.
    const teapot = await post(byo, `api/endpoints/${byo}/score`, 'teapot');
    expect(teapot.status).toBe(418);
    expect(teapot.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(teapot.text).toBe('short and stout');
  });

  it("answers 408 past the deployment's requestTimeoutMs", async () => {
    expectError(await post(byo, `api/endpoints/${byo}/score`, 'sleep'), 408, 'Timeout');
  });

  it('refuses past the queue bound with 429 and Retry-After before reaching user code', async () => {
    const slow = `slow-${RUN}`;
    expect((await sibyl.putEndpoint(slow, { authMode: 'key' })).status).toBe(201);
    const deployed = await sibyl.putDeployment(slow, 'blue', {
      model: `weights-${RUN}:1`,
      environment: `byo-${RUN}@1`,
      code: { code: `byo-${RUN}:1` },
      // A queue of 2 × 1 × 1 requests per app instance.
      instance: { minInstances: 1, maxInstances: 1, maxConcurrentRequestsPerInstance: 1 },
      // Held requests leave the queue only when they time out: the bound holds for these 8 s whatever the load.
      requestTimeoutMs: 8000,
    });
    expect(`${deployed.status} ${deployed.text}`).toMatch(/^201 /);
    keys.set(slow, (await sibyl.keys(slow)).primaryKey);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => post(slow, `api/endpoints/${slow}/score`, 'hold')),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 408)).toHaveLength(2);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
    for (const refused of answers.filter((a) => a.status === 429)) {
      expectError(refused, 429, 'TooManyRequests');
      expect(refused.headers.get('retry-after')).toBe('1');
    }
  });

  it('collects the JSON request and answer of user code, with the request id, and counts requests', async () => {
    const id = `collect-${RUN}`;
    const answer = await sibyl.call('POST', `api/endpoints/${byo}/score`, {
      anonymous: true,
      body: '{"data": [5, 7]}',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${keys.get(byo)!}`,
        'x-ms-client-request-id': id,
      },
    });
    expect(answer.status).toBe(200);
    const store = BlobServiceClient.fromConnectionString(
      process.env.SIBYL_TEST_STORAGE_CONNECTION_STRING!,
    ).getContainerClient('workspaceblobstore');
    const lineOf = async (collection: string) => {
      for await (const item of store.listBlobsFlat({ prefix: `${byo}/blue/${collection}/` })) {
        const text = (await store.getBlobClient(item.name).downloadToBuffer()).toString('utf8');
        const line = text
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => JSON.parse(l) as { correlationid: string; data: unknown })
          .find((l) => l.correlationid === id);
        if (line) return line;
      }
      return undefined;
    };
    const inputs = await pollUntil(() => lineOf('model_inputs'), 'collected inputs', 60_000, 250);
    const outputs = await pollUntil(() => lineOf('model_outputs'), 'collected outputs', 60_000, 250);
    expect(inputs.data).toEqual([{ data: [5, 7] }]);
    expect(outputs.data).toEqual([{ tripled: [15, 21], requestId: expect.any(String) }]);

    const metrics = await sibyl.call('GET', `api/endpoints/${byo}/metrics?minutes=10`);
    const points = metrics.body.deployments.blue as { requests: number }[];
    expect(points.reduce((sum, p) => sum + p.requests, 0)).toBeGreaterThanOrEqual(5);
  });

  it('splits, pins and mirrors traffic between user-code deployments, and from an ONNX one', async () => {
    const green = await sibyl.putDeployment(byo, 'green', {
      model: `weights-${RUN}:1`,
      environment: `byo-${RUN}@1`,
      code: { code: `byo-${RUN}:1` },
      instance: { minInstances: 1, maxInstances: 1 },
    });
    expect(`${green.status} ${green.text}`).toMatch(/^201 /);
    const countsOf = async (deployment: string) => {
      const metrics = await sibyl.call('GET', `api/endpoints/${byo}/metrics?minutes=10`);
      const points = (metrics.body.deployments[deployment] ?? []) as { requests: number; errors: number }[];
      return {
        requests: points.reduce((sum, p) => sum + p.requests, 0),
        errors: points.reduce((sum, p) => sum + p.errors, 0),
      };
    };
    const requestsOf = async (deployment: string) => (await countsOf(deployment)).requests;
    const endpoint = (spec: Record<string, unknown>) => sibyl.putEndpoint(byo, { authMode: 'key', ...spec });
    const mirrored = await endpoint({ traffic: { blue: 100, green: 0 }, mirrorTraffic: { green: 50 } });
    expect(`${mirrored.status} ${mirrored.text}`).toMatch(/^200 /);
    const score = (headers: Record<string, string> = {}) =>
      sibyl.call('POST', `api/endpoints/${byo}/score`, {
        anonymous: true,
        body: '{"data": [1]}',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.get(byo)!}`, ...headers },
      });
    // Live traffic stays on blue while green gets a copy of about half the requests.
    await pollUntil(
      async () => {
        const answer = await score();
        expect(answer.status).toBe(200);
        expect(answer.body).toMatchObject({ tripled: [3] });
        return answer.headers.get('azureml-model-deployment') === 'blue' && (await requestsOf('green')) >= 1;
      },
      'a mirrored copy at green',
      60_000,
      250,
    );
    const pinned = await score({ 'azureml-model-deployment': 'green' });
    expect(pinned.status).toBe(200);
    expect(pinned.headers.get('azureml-model-deployment')).toBe('green');

    // An ONNX deployment's requests mirrored to a user-code one reach it as the JSON body.
    expect(
      (await sibyl.registerModel(`mlp-${RUN}`, mlpModel({ inputs: 2, hidden: [4], outputs: 1, seed: 1 }))).status,
    ).toBe(201);
    const onnx = await sibyl.putDeployment(byo, 'onnx', { model: `mlp-${RUN}:1` });
    expect(`${onnx.status} ${onnx.text}`).toMatch(/^201 /);
    const toOnnx = await endpoint({ traffic: { blue: 0, green: 0, onnx: 100 }, mirrorTraffic: { green: 50 } });
    expect(`${toOnnx.status} ${toOnnx.text}`).toMatch(/^200 /);
    const before = await countsOf('green');
    await pollUntil(
      async () => {
        const answer = await sibyl.call('POST', `api/endpoints/${byo}/score`, {
          anonymous: true,
          body: '{"data": [[1, 2]]}',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.get(byo)!}` },
        });
        expect(answer.status).toBe(200);
        return (
          answer.headers.get('azureml-model-deployment') === 'onnx' && (await requestsOf('green')) > before.requests
        );
      },
      'a copy of an ONNX request at green',
      60_000,
      250,
    );
    expect((await countsOf('green')).errors).toBe(before.errors);

    expect((await endpoint({ traffic: { blue: 0, green: 100, onnx: 0 }, mirrorTraffic: {} })).status).toBe(200);
    await pollUntil(
      async () => (await score()).headers.get('azureml-model-deployment') === 'green',
      'live traffic at green',
      60_000,
      250,
    );
  });
});
