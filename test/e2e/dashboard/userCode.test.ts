/**
 * The endpoint page for deployments that run user code, in a real browser (Debian's Chromium driven by
 * playwright-core) against the emulator: the Deployments card shows a user-code environment's runtime, the
 * code asset and scoring script, and a failed update's init() error; the Test tab offers a free body
 * for a scoring script (examples/python-score), sends it as written and shows the answer or the
 * ScoringScriptError with its request id; a bring-your-own OIP server (examples/custom-oip-server) gets
 * its OIP example from its own metadata; an ONNX deployment of the same endpoint still gets its example
 * from the model's signature. Python from this machine.
 *
 * Needs `npm run build` first (the emulator runs `dist/`, the page is `web/dist/`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { mlpModel } from '../../../scripts/onnx/mlpModel';
import { tarGzOf } from '../../support/archives';
import { pollUntil } from '../../support/poll';
import { REPO_ROOT } from '../../support/hostProcess';
import type { ServingClient } from '../serving/support/servingClient';
import { expectText as expectTextWithin, screenshot, seededDashboard } from './support/browser';

const RUN = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
const EXAMPLES = path.join(REPO_ROOT, 'examples');
const BROKEN_PY =
  'def init():\n    raise RuntimeError("the weights are not there")\n\ndef run(raw_data):\n    return 0\n';

// Replicas start Python processes: slow on a busy machine.
jest.setTimeout(240_000);

/** Waits for the page's text twice as long as the support default: replicas answer the page slowly. */
const expectText = (locator: Locator, expected: string | RegExp, timeoutMs = 30_000) =>
  expectTextWithin(locator, expected, timeoutMs);

describe('user-code deployments on the endpoint page (Chromium against the emulator)', () => {
  let sibyl: ServingClient;
  let page: Page;
  const iris = `iris-${RUN}`;
  const byo = `byo-${RUN}`;
  const code = `iris-score-${RUN}`;

  const ok = async (what: string, answer: Promise<{ status: number; text: string }>, status = /^20[01] /) => {
    const { status: got, text } = await answer;
    if (!status.test(`${got} `)) throw new Error(`${what}: ${got} ${text}`);
  };
  const upload = (route: string, folder: string, names: string[]) =>
    ok(
      route,
      tarGzOf(names.map((name) => ({ path: name, data: fs.readFileSync(path.join(folder, name)) }))).then((body) =>
        sibyl.call('POST', route, { body, headers: { 'content-type': 'application/gzip' } }),
      ),
    );
  const replicas = { minInstances: 1, maxInstances: 1 };

  seededDashboard(
    `usercode-${RUN}`,
    async (client) => {
      sibyl = client;
      await upload(`api/models/weights-${RUN}/versions?type=custom`, path.join(EXAMPLES, 'python-score', 'model'), [
        'weights.json',
      ]);
      await upload(`api/code/${code}/versions`, path.join(EXAMPLES, 'python-score', 'code'), ['score.py']);
      await upload(`api/code/${byo}/versions`, path.join(EXAMPLES, 'custom-oip-server', 'code'), ['server.py']);
      await ok(
        'broken code',
        tarGzOf([{ path: 'score.py', data: BROKEN_PY }]).then((body) =>
          sibyl.call('POST', `api/code/broken-${RUN}/versions`, {
            body,
            headers: { 'content-type': 'application/gzip' },
          }),
        ),
      );
      await ok(
        'byo environment',
        sibyl.call('PUT', `api/environments/${byo}`, {
          body: {
            runtime: 'custom',
            command: ['python3', 'server.py'],
            protocol: 'oip',
            variables: { MODEL_NAME: byo },
            routes: { readiness: '/v2/health/ready', scoring: '/score' },
          },
        }),
      );
      await ok(
        'mlp model',
        sibyl.registerModel(`mlp-${RUN}`, mlpModel({ inputs: 4, hidden: [4], outputs: 3, seed: 2 })),
      );

      const python = {
        model: `weights-${RUN}:1`,
        environment: 'python-3.11@1',
        code: { code: `${code}:1`, scoringScript: 'score.py' },
        instance: replicas,
      };
      await ok('iris endpoint', sibyl.putEndpoint(iris, { authMode: 'key' }));
      await ok('iris/blue', sibyl.putDeployment(iris, 'blue', python));
      await ok('iris/onnx', sibyl.putDeployment(iris, 'onnx', { model: `mlp-${RUN}:1` }));
      // red serves, then an update whose init() raises leaves it Failed with the error.
      await ok('iris/red', sibyl.putDeployment(iris, 'red', python));
      const broken = { ...python, code: { code: `broken-${RUN}:1`, scoringScript: 'score.py' } };
      await ok('iris/red update', sibyl.putDeployment(iris, 'red', broken), /^400 /);
      await ok('iris traffic', sibyl.putEndpoint(iris, { authMode: 'key', traffic: { blue: 100, onnx: 0, red: 0 } }));
      await ok('byo endpoint', sibyl.putEndpoint(byo, { authMode: 'key' }));
      await ok(
        'byo/blue',
        sibyl.putDeployment(byo, 'blue', {
          model: `weights-${RUN}:1`,
          environment: `${byo}@1`,
          code: { code: `${byo}:1` },
          instance: replicas,
        }),
      );
    },
    (opened) => (page = opened),
  );

  const testTab = async (endpoint: string) => {
    await page.goto(`${sibyl.baseUrl}/#/endpoints/${endpoint}?tab=test`);
    await page.getByRole('tab', { name: 'Test' }).waitFor();
    return page.getByLabel('Request body (JSON)');
  };
  const send = async () => page.getByRole('button', { name: 'Send request' }).click();

  it("shows each deployment's runtime, its code and scoring script, and why an update failed", async () => {
    await page.goto(`${sibyl.baseUrl}/#/endpoints/${iris}`);
    const row = (name: string) =>
      page.locator('tr', { has: page.locator('code', { hasText: new RegExp(`^${name}$`) }) });
    await expectText(row('blue'), /python-3\.11@1 \(python\)/);
    await expectText(row('blue').getByTestId('deployment-code'), `${code}:1 · score.py`);
    await expectText(row('onnx'), /ort-cpu@1\s+—/);
    expect(await row('onnx').getByTestId('deployment-runtime').count()).toBe(0);
    expect(await row('onnx').getByTestId('deployment-code').count()).toBe(0);
    await expectText(row('red'), /Failed[\s\S]*the weights are not there/);
    await screenshot(page, '21-endpoint-user-code');
  });

  it('shows a custom model as files without a signature, and the deployment that uses it', async () => {
    await page.goto(`${sibyl.baseUrl}/#/models/weights-${RUN}`);
    const version = page.locator('.card', { hasText: 'Version 1' });
    await expectText(version.locator('.kv'), /Type\s*custom/);
    await expectText(version.getByTestId('no-signature'), /No signature: the deployment’s user code/);
    expect(await version.locator('table').count()).toBe(0);
    await expectText(version, new RegExp(`${iris}/blue`));
  });

  it('offers a free body for a scoring script, sends it as written and shows the answer', async () => {
    const body = await testTab(iris);
    await expectText(
      page.locator('#test-signature'),
      `Deployment blue runs user code (code asset ${code}:1, scoring script score.py)`,
    );
    await expectValue(body, /"data": \[\s*\[5\.1, 3\.5, 1\.4, 0\.2\],\s*\[6\.7, 3, 5\.2, 2\.3\]\s*\]/);
    await send();
    await expectText(page.getByTestId('test-status'), '200 OK');
    const answer = JSON.parse(await page.getByTestId('test-answer').innerText()) as {
      predictions: { label: string }[];
    };
    expect(answer.predictions.map((p) => p.label)).toEqual(['setosa', 'virginica']);
    await screenshot(page, '22-endpoint-test-user-code');

    // run() raising: 500 with the generic message and the request id, shown as they came.
    await body.fill('{"neither": 1}');
    await send();
    await expectText(page.getByTestId('test-status'), /^500/);
    await expectText(page.getByTestId('test-answer'), /"code": "ScoringScriptError"[\s\S]*"requestId": "\S+"/);
  });

  it("still builds an ONNX deployment's example from its signature on the same endpoint", async () => {
    const body = await testTab(iris);
    await page.getByLabel('Send to').selectOption('onnx');
    await expectText(page.locator('#test-signature'), new RegExp(`mlp-${RUN}:1 \\(deployment onnx\\)`));
    await expectValue(body, /"input_data": \{/);
    await send();
    await expectText(page.getByTestId('test-status'), '200 OK');
    await expectText(page.getByTestId('test-answer'), /\[\s*\[\s*-?\d/);
    // A body that is not JSON is not sent to an ONNX model.
    await body.fill('not json');
    await send();
    await expectText(page.locator('.test-result'), /The request body is not valid JSON/);
  });

  it('builds the OIP example of a bring-your-own server from its metadata and passes its answers through', async () => {
    const body = await testTab(byo);
    await page.getByLabel('Protocol').selectOption('oip');
    await expectText(page.locator('#test-signature'), "OIP example from the server's metadata: x FP32 [-1]");
    await expectValue(body, /"name": "x"[\s\S]*"data": \[\s*1\s*\]/);
    await send();
    await expectText(page.getByTestId('test-status'), '200 OK');
    await expectText(page.getByTestId('test-answer'), /"name": "y"[\s\S]*"data": \[\s*2\s*\]/);

    await page.getByLabel('Protocol').selectOption('azureml');
    await body.fill('{"data": [1, 2, 3]}');
    await send();
    await expectText(page.getByTestId('test-status'), '200 OK');
    await expectText(page.getByTestId('test-answer'), /"result": \[\s*2,\s*4,\s*6\s*\]/);
    // Not JSON: sent as text to user code, and the server's own refusal is shown.
    await body.fill('not json');
    await send();
    await expectText(page.getByTestId('test-status'), /^400/);
    await expectText(page.getByTestId('test-answer'), 'the body is not JSON');
  });
});

/** Waits until a form field's value matches. */
async function expectValue(locator: Locator, expected: RegExp, timeoutMs = 30_000): Promise<void> {
  let last = '';
  try {
    await pollUntil(
      async () => {
        last = await locator.inputValue({ timeout: 1000 }).catch(() => '');
        return expected.test(last);
      },
      `value ${String(expected)}`,
      timeoutMs,
      100,
    );
  } catch {
    throw new Error(`Expected value ${String(expected)}; the field holds: ${JSON.stringify(last.slice(0, 800))}`);
  }
}
