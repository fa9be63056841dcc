/**
 * The local compute provider with replicas of user code: a `python` deployment's replicas run the
 * scorer program (which hosts the scoring script), the request id reaches `run()`'s error answer
 * through the ingress, and an exception in `init()` fails the apply as the model's fault with the
 * traceback's end (its exception line included) as the error.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LocalCompute } from '../../../emulator/compute/localCompute';
import type { ScorerAppSpec } from '../../../shared/compute/computeTypes';
import { userRuntimeSettings } from '../../../shared/compute/userRuntime';
import { uploadCode } from '../../support/userCodeReplica';

const RUN = Date.now().toString(36);
const KEY = 'local-compute-user-code-test-key';

jest.setTimeout(240_000);

describe('local compute: user-code replicas', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sibyl-compute-user-code-'));
  let compute: LocalCompute;

  function spec(deployment: string, variables: Record<string, string>): ScorerAppSpec {
    const runtime = {
      runtime: 'python' as const,
      code: { name: `lc-${RUN}`, version: 1 },
      scoringScript: 'score.py',
      environmentHash: `lc-${RUN}`,
      variables,
    };
    return {
      endpoint: 'lc',
      deployment,
      kind: 'container',
      minReplicas: 1,
      maxReplicas: 1,
      concurrentRequests: 10,
      scaleInDelaySeconds: 300,
      runtime: 'python',
      settings: userRuntimeSettings(runtime),
      revision: `${deployment}-1`,
    };
  }

  beforeAll(async () => {
    await uploadCode(`lc-${RUN}`, 1, {
      'score.py': [
        'import json, os',
        'def init():',
        '    if os.environ.get("FAIL_INIT") == "1":',
        '        settings = {"threshold": None}',
        '        return 1 / settings["threshold"]',
        'def run(raw_data):',
        '    return {"got": json.loads(raw_data), "inverse": 1 / json.loads(raw_data)["x"]}',
        '',
      ].join('\n'),
    });
    compute = await LocalCompute.start({
      scorerMain: path.resolve(__dirname, '..', '..', '..', 'dist', 'scorer', 'main.js'),
      baseEnv: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        AzureWebJobsStorage: process.env.SIBYL_TEST_STORAGE_CONNECTION_STRING,
        SIBYL_SCORER_KEY: KEY,
      },
      forcedEnv: { SIBYL_SCORER_EXECUTION_PROVIDERS: 'cpu', SIBYL_USER_CODE_DIR: dataDir },
      tickMs: 500,
      startTimeoutMs: 60_000,
      userCodeStartTimeoutMs: 180_000,
      log: () => undefined,
    });
  });

  afterAll(async () => {
    await compute?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves a scoring script, the request id reaching its error answer', async () => {
    const status = await compute.apply(spec('ok', {}));
    expect(status.provisioningState).toBe('Succeeded');
    const score = (x: number) =>
      fetch(`${status.url!}/score`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'x-request-id': `id-${x}` },
        body: JSON.stringify({ x }),
      });
    const ok = await score(2);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ got: { x: 2 }, inverse: 0.5 });
    const failed = await score(0);
    expect(failed.status).toBe(500);
    expect(((await failed.json()) as { error: { requestId: string } }).error.requestId).toBe('id-0');
  });

  it("fails the apply when init() raises, with the traceback's end as the error", async () => {
    await expect(compute.apply(spec('broken', { FAIL_INIT: '1' }))).rejects.toThrow(/TypeError/);
    const status = compute.status('lc', 'broken')!;
    expect(status.provisioningState).toBe('Failed');
    expect(status.failure).toBe('InvalidModel');
    expect(status.error).toMatch(/in init .*return 1 \/ settings\["threshold"\].*TypeError: unsupported operand type/);
  });
});
