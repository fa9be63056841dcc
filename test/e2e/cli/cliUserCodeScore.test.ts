/**
 * `sibyl score` against user-code deployments, as a child process through the local host: a Python
 * scoring script (examples/python-score) and a bring-your-own OIP server (examples/custom-oip-server).
 * The JSON goes to run() byte for byte (no reshaping for an ONNX signature), the answer is printed as it
 * came (a JSON value, or a string run() returned), and a run() failure exits 1 naming ScoringScriptError
 * and the request id. Deployed with `sibyl deploy --code --scoring-script`. Python from this machine.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { REPO_ROOT, startHost, tempDir, type HostProcess } from '../../support/hostProcess';
import { pollUntil } from '../../support/poll';
import { explain, expectExit, runCli, type CliOptions } from './cliProcess';

const RUN = randomBytes(3).toString('hex');
const EXAMPLES = path.join(REPO_ROOT, 'examples');
/** Echoes the raw body as a string (so its bytes can be compared) when asked, else raises. */
const ECHO_PY = [
  'def init():',
  '    pass',
  '',
  'def run(raw_data):',
  '    if raw_data.startswith("{\\"fail\\""):',
  '        raise ValueError("asked to fail")',
  '    return "raw: " + raw_data',
  '',
].join('\n');

// Replicas start Python processes: slow on a busy machine.
jest.setTimeout(300_000);

describe('sibyl score against user-code deployments', () => {
  let host: HostProcess;
  let work: string;
  const iris = `iris-${RUN}`;
  const echo = `echo-${RUN}`;
  const byo = `byo-${RUN}`;
  const sibyl = (args: readonly string[], options: CliOptions = {}) =>
    runCli(args, { timeoutMs: 240_000, ...options, env: { SIBYL_URL: host.baseUrl, SIBYL_KEY: host.functionKey } });
  const ok = async (args: readonly string[], options?: CliOptions) => expectExit(await sibyl(args, options), 0);

  beforeAll(async () => {
    host = await startHost({ appDir: REPO_ROOT });
    work = tempDir('cli-user-code');
    fs.mkdirSync(path.join(work, 'echo'));
    fs.writeFileSync(path.join(work, 'echo', 'score.py'), ECHO_PY);
    await ok(['models', 'register', path.join(EXAMPLES, 'python-score', 'model'), '--name', iris, '--type', 'custom']);
    await ok(['code', 'register', path.join(EXAMPLES, 'python-score', 'code'), '--name', iris]);
    await ok(['code', 'register', path.join(work, 'echo'), '--name', echo]);
    await ok(['code', 'register', path.join(EXAMPLES, 'custom-oip-server', 'code'), '--name', byo]);
    // No CLI command registers an environment: the API does.
    const env = await fetch(`${host.baseUrl}/api/environments/${byo}`, {
      method: 'PUT',
      headers: { 'x-functions-key': host.functionKey, 'content-type': 'application/json' },
      body: JSON.stringify({
        runtime: 'custom',
        command: ['python3', 'server.py'],
        protocol: 'oip',
        variables: { MODEL_NAME: byo },
        routes: { readiness: '/v2/health/ready', scoring: '/score' },
      }),
    });
    expect(`${env.status} ${await env.text()}`).toMatch(/^201 /);
    for (const [endpoint, code, script, environment] of [
      [iris, `${iris}:1`, 'score.py', 'python-3.11@1'],
      [echo, `${echo}:1`, 'score.py', 'python-3.11@1'],
      [byo, `${byo}:1`, undefined, `${byo}@1`],
    ] as const) {
      await ok(['endpoints', 'create', endpoint, '--auth', 'key']);
      const deployed = await ok([
        'deploy',
        `${endpoint}/blue`,
        '--model',
        `${iris}:1`,
        '--environment',
        environment,
        '--code',
        code,
        ...(script ? ['--scoring-script', script] : []),
        '--min-instances',
        '1',
        '--max-instances',
        '1',
        '-o',
        'json',
      ]);
      expect(deployed.json()).toMatchObject({
        provisioningState: 'Succeeded',
        code: script ? { code, scoringScript: script } : { code },
      });
    }
  }, 600_000);

  afterAll(async () => {
    await host?.stop();
  });

  it('shows the code asset and scoring script of a deployment', async () => {
    const shown = await ok(['deployments', 'show', `${iris}/blue`]);
    expect(shown.stdout).toMatch(new RegExp(`code\\s*│?\\s*${iris}:1 → score\\.py`));
  });

  it('sends the JSON to score.py as it is and prints its predictions', async () => {
    fs.writeFileSync(path.join(work, 'body.json'), '{"data": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]}');
    const answer = (await ok(['score', iris, '--data', path.join(work, 'body.json'), '-o', 'json'])).json<{
      predictions: { label: string }[];
    }>();
    expect(answer.predictions.map((p) => p.label)).toEqual(['setosa', 'virginica']);
    // The table view shows one line per prediction.
    const table = await ok(['score', iris, '--data', path.join(work, 'body.json')]);
    expect(table.stdout).toMatch(/setosa[\s\S]*virginica/);
    // Rows by name, from stdin, pinned to the deployment.
    const rows = '{"rows": [{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}]}';
    const named = (
      await ok(['score', iris, '--data', '-', '--deployment', 'blue', '-o', 'json'], { input: rows })
    ).json<{
      predictions: { label: string }[];
    }>();
    expect(named.predictions.map((p) => p.label)).toEqual(['setosa']);
  });

  it('delivers the bytes as written and prints the string run() returns as it came', async () => {
    // Spacing, 1.0 and a 20-digit integer: JSON.parse + stringify would change all three.
    const body = '{ "n" : 12345678901234567890, "x": 1.0 }';
    const printed = await ok(['score', echo, '--data', '-', '--format', 'json'], { input: body });
    expect(printed.stdout).toBe(`raw: ${body}\n`);
    const asJson = await ok(['score', echo, '--data', '-', '-o', 'json'], { input: body });
    expect(asJson.json()).toBe(`raw: ${body}`);
  });

  it('exits 1 with ScoringScriptError, the request id and where the traceback is when run() raises', async () => {
    const failed = expectExit(await sibyl(['score', echo, '--data', '-'], { input: '{"fail": true}' }), 1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toMatch(
      new RegExp(
        '^sibyl: error ScoringScriptError \\(HTTP 500\\): An unexpected error occurred in scoring script\\. ' +
          'Check the logs for more info\\. \\(request id [\\w-]+; ' +
          `its traceback is in \`sibyl deployments logs ${echo}/blue\`\\)$`,
        'm',
      ),
    );
    const requestId = /request id ([\w-]+)/.exec(failed.stderr)![1]!;
    // The traceback reaches the replica's log a moment after the answer.
    const logs = await pollUntil(
      async () => {
        const read = await ok(['deployments', 'logs', `${echo}/blue`, '-o', 'json']);
        return read.stdout.includes(requestId) && read.stdout.includes('asked to fail') ? read : undefined;
      },
      'the traceback with the request id in the logs',
      60_000,
      500,
    );
    expect(logs.stdout).not.toContain(host.functionKey);
  });

  it('scores a bring-your-own OIP server on its score route and, with CSV, on the OIP route', async () => {
    const scored = (await ok(['score', byo, '--data', '-', '-o', 'json'], { input: '{"data": [1, 2, 3]}' })).json();
    expect(scored).toMatchObject({ result: [2, 4, 6], requestId: expect.stringMatching(/.+/) });
    // CSV for OIP is shaped by the server's own metadata (one FP32 input named x).
    fs.writeFileSync(path.join(work, 'x.csv'), 'x\n1\n2.5\n');
    const inferred = await ok(['score', byo, '--data', path.join(work, 'x.csv'), '--protocol', 'oip', '-o', 'json']);
    expect(inferred.json()).toMatchObject({ outputs: [{ name: 'y', shape: [2], data: [2, 5] }] });
    const table = await ok(['score', byo, '--data', path.join(work, 'x.csv'), '--protocol', 'oip']);
    expect(table.stdout).toMatch(/y[\s\S]*2[\s\S]*5/);
  });

  it('exits 1 with the reason when a scoring script deployment is asked for OIP', async () => {
    const refused = expectExit(
      await sibyl(['score', iris, '--data', '-', '--protocol', 'oip'], { input: '{"inputs": []}' }),
      1,
    );
    expect(refused.stderr).toMatch(/^sibyl: error \S+ \(HTTP 404\): .*score/m);
    expect(explain(refused)).not.toContain(host.functionKey);
  });
});
