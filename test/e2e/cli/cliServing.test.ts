/**
 * The `sibyl` CLI as a child process against the local host: login → models register → endpoints
 * create → deploy → score (JSON, CSV, OIP) → keys, token, traffic; `--output json` parses; usage errors
 * exit 2 with a message, API errors exit 1 with the API's error code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { horoscopeModel, HOROSCOPE_FEATURES } from '../../../scripts/onnx/horoscopeModel';
import { REPO_ROOT, startHost, tempDir, type HostProcess } from '../../support/hostProcess';
import { cliUser, expectExit } from './cliProcess';

const ROWS = [
  [3, 14, 90, 5, 24, 5],
  [12, 1, 60, 1, 2, 0],
];

describe('sibyl CLI: models, endpoints, deployments, scoring', () => {
  let host: HostProcess;
  let work: string;
  const user = cliUser();
  const sibyl = user.run;

  beforeAll(async () => {
    host = await startHost({ appDir: REPO_ROOT });
    work = tempDir('cli-work');
    fs.writeFileSync(path.join(work, 'horoscope.onnx'), horoscopeModel());
    fs.writeFileSync(
      path.join(work, 'rows.csv'),
      `${HOROSCOPE_FEATURES.join(',')}\n${ROWS.map((r) => r.join(',')).join('\n')}\n`,
    );
    fs.writeFileSync(
      path.join(work, 'request.json'),
      JSON.stringify({ input_data: { columns: HOROSCOPE_FEATURES, data: ROWS } }),
    );
  }, 120000);

  afterAll(async () => {
    await host?.stop();
  });

  it('refuses a wrong key at login (exit 1, Unauthorized) and saves nothing', async () => {
    const result = expectExit(await sibyl(['login', '--url', host.baseUrl, '--key', 'not-the-key']), 1);
    expect(result.stderr).toMatch(/^sibyl: error Unauthorized \(HTTP 401\): .+/m);
    expect(fs.existsSync(path.join(user.configHome, 'sibyl', 'config.json'))).toBe(false);
  });

  it('logs in with the key from stdin and keeps the profile owner-only', async () => {
    const result = expectExit(
      await sibyl(['login', '--url', `${host.baseUrl}/`, '-o', 'json'], { input: `${host.functionKey}\n` }),
      0,
    );
    expect(result.json()).toMatchObject({ profile: 'default', url: host.baseUrl, default: true, verified: true });
    expect(result.stdout + result.stderr).not.toContain(host.functionKey);
    const file = path.join(user.configHome, 'sibyl', 'config.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({
      defaultProfile: 'default',
      profiles: { default: { url: host.baseUrl, key: host.functionKey } },
    });
    const profiles = expectExit(await sibyl(['profiles', 'list', '-o', 'json']), 0).json();
    expect(profiles).toEqual([{ name: 'default', url: host.baseUrl, default: true, hasKey: true }]);
  });

  it('registers a model and shows it as JSON and as a table', async () => {
    const registered = expectExit(
      await sibyl([
        'models',
        'register',
        path.join(work, 'horoscope.onnx'),
        '--name',
        'stars',
        '--description',
        'CLI test',
        '--tag',
        'team=cli',
        '-o',
        'json',
      ]),
      0,
    );
    expect(registered.json()).toMatchObject({
      name: 'stars',
      version: 1,
      description: 'CLI test',
      tags: { team: 'cli' },
      signature: { inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 6] }] },
    });
    const list = expectExit(await sibyl(['models', 'list', '--output', 'json']), 0).json<
      { name: string; latestVersion: number }[]
    >();
    expect(list.find((m) => m.name === 'stars')).toMatchObject({ latestVersion: 1 });
    const shown = expectExit(await sibyl(['models', 'show', 'stars:1']), 0);
    expect(shown.stdout).toMatch(/features FP32 \[-1,6\]/);
    const alias = expectExit(
      await sibyl(['models', 'alias', 'set', 'stars', 'production', '1', '-o', 'json']),
      0,
    ).json<{ aliases: Record<string, number> }>();
    expect(alias.aliases).toMatchObject({ latest: 1, production: 1 });
    expect(expectExit(await sibyl(['models', 'show', 'stars@production', '-o', 'json']), 0).json()).toMatchObject({
      version: 1,
    });
  });

  it('creates an endpoint, deploys, and scores JSON, CSV (both protocols) and stdin to the same predictions', async () => {
    expect(
      expectExit(await sibyl(['endpoints', 'create', 'stars-ep', '--auth', 'key', '-o', 'json']), 0).json(),
    ).toMatchObject({ name: 'stars-ep', authMode: 'key' });
    const deployed = expectExit(
      await sibyl([
        'deploy',
        'stars-ep/blue',
        '--model',
        'stars@production',
        '--max-batch-size',
        '8',
        '--max-delay-ms',
        '2',
        '-o',
        'json',
      ]),
      0,
    );
    expect(deployed.json()).toMatchObject({
      name: 'blue',
      endpoint: 'stars-ep',
      resolvedModel: 'stars:1',
      batching: { maxBatchSize: 8, maxQueueDelayMs: 2 },
    });

    const fromJson = expectExit(
      await sibyl(['score', 'stars-ep', '--data', path.join(work, 'request.json'), '-o', 'json']),
      0,
    ).json<number[][]>();
    expect(fromJson).toHaveLength(2);
    expect(fromJson[0]).toHaveLength(4);
    const fromCsv = expectExit(
      await sibyl(['score', 'stars-ep', '--data', path.join(work, 'rows.csv'), '-o', 'json']),
      0,
    ).json<number[][]>();
    expect(fromCsv).toEqual(fromJson);
    const csvText = fs.readFileSync(path.join(work, 'rows.csv'), 'utf8');
    const fromStdin = expectExit(
      await sibyl(['score', 'stars-ep', '--data', '-', '--deployment', 'blue', '-o', 'json'], { input: csvText }),
      0,
    ).json<number[][]>();
    expect(fromStdin).toEqual(fromJson);
    const oip = expectExit(
      await sibyl(['score', 'stars-ep', '--data', path.join(work, 'rows.csv'), '--protocol', 'oip', '-o', 'json']),
      0,
    ).json<{ outputs: { name: string; shape: number[]; data: number[] }[] }>();
    expect(oip.outputs[0]).toMatchObject({ name: 'probabilities', shape: [2, 4] });
    oip.outputs[0]!.data.forEach((value, i) => expect(value).toBeCloseTo(fromJson[Math.floor(i / 4)]![i % 4]!, 5));

    const table = expectExit(await sibyl(['score', 'stars-ep', '--data', path.join(work, 'rows.csv')]), 0);
    expect(table.stdout).toMatch(/prediction\[3\]/);
    expect(table.stdout).toContain(String(Number(fromJson[1]![0]!.toPrecision(6))));
  });

  it('prints keys and tokens only when asked, and regenerated keys take over', async () => {
    const keys = expectExit(await sibyl(['endpoints', 'keys', 'stars-ep', '-o', 'json']), 0).json<{
      primaryKey: string;
      secondaryKey: string;
    }>();
    expect(keys.primaryKey).toEqual(expect.any(String));
    const shown = expectExit(await sibyl(['endpoints', 'show', 'stars-ep']), 0);
    expect(shown.stdout).not.toContain(keys.primaryKey);
    const fresh = expectExit(
      await sibyl(['endpoints', 'keys', 'stars-ep', '--regenerate', 'primary', '-o', 'json']),
      0,
    ).json<{ primaryKey: string }>();
    expect(fresh.primaryKey).not.toBe(keys.primaryKey);
    const stale = expectExit(
      await sibyl(['score', 'stars-ep', '--data', path.join(work, 'rows.csv'), '--bearer', keys.primaryKey]),
      1,
    );
    expect(stale.stderr).toMatch(/^sibyl: error Unauthorized \(HTTP 401\)/m);
    expectExit(
      await sibyl(['score', 'stars-ep', '--data', path.join(work, 'rows.csv'), '--bearer', fresh.primaryKey]),
      0,
    );
    const token = expectExit(await sibyl(['endpoints', 'token', 'stars-ep', '-o', 'json']), 0).json<{
      accessToken: string;
      tokenType: string;
    }>();
    expect(token).toMatchObject({ tokenType: 'Bearer', accessToken: expect.stringMatching(/^ey/) });
  });

  it('scores token-mode endpoints with a fetched token', async () => {
    expectExit(await sibyl(['endpoints', 'create', 'stars-tok', '--auth', 'token']), 0);
    expectExit(await sibyl(['deploy', 'stars-tok/blue', '--model', 'stars:1']), 0);
    const predictions = expectExit(
      await sibyl(['score', 'stars-tok', '--data', path.join(work, 'rows.csv'), '-o', 'json']),
      0,
    ).json<number[][]>();
    expect(predictions).toHaveLength(2);
  });

  it('splits traffic between two deployments and refuses a split that does not add up', async () => {
    expectExit(await sibyl(['deploy', 'stars-ep/green', '--model', 'stars:1']), 0);
    expect(expectExit(await sibyl(['traffic', 'stars-ep', 'blue=90', 'green=10', '-o', 'json']), 0).json()).toEqual({
      traffic: { blue: 90, green: 10 },
      mirrorTraffic: {},
    });
    const endpoint = expectExit(await sibyl(['endpoints', 'show', 'stars-ep', '-o', 'json']), 0).json<{
      traffic: Record<string, number>;
      deployments: { name: string }[];
    }>();
    expect(endpoint.traffic).toEqual({ blue: 90, green: 10 });
    expect(endpoint.deployments.map((d) => d.name).sort()).toEqual(['blue', 'green']);
    const bad = expectExit(await sibyl(['traffic', 'stars-ep', 'blue=90', 'green=20']), 2);
    expect(bad.stderr).toMatch(/^sibyl: error: traffic adds up to 110%/m);
  });

  it('answers API errors with exit 1 and the error code on one line', async () => {
    const missing = expectExit(await sibyl(['endpoints', 'show', 'no-such-endpoint']), 1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/^sibyl: error EndpointNotFound \(HTTP 404\): .*no-such-endpoint/);
    const inUse = expectExit(await sibyl(['models', 'delete', 'stars:1']), 1);
    expect(inUse.stderr).toMatch(/^sibyl: error Conflict \(HTTP 409\)/);
    const wrongShape = expectExit(
      await sibyl(['score', 'stars-ep', '--data', '-'], { input: '{"data": [[1, 2, 3]]}' }),
      1,
    );
    expect(wrongShape.stderr).toMatch(/^sibyl: error ShapeMismatch \(HTTP 400\)/);
    const noModel = expectExit(await sibyl(['deploy', 'stars-ep/red', '--model', 'nothing:1']), 1);
    expect(noModel.stderr).toMatch(/^sibyl: error ModelNotFound \(HTTP 404\)/m);
  });

  it('answers usage errors with exit 2 and a message, before sending anything', async () => {
    const cases: [string[], RegExp][] = [
      [['deploy', 'stars-ep/blue'], /required option '-m, --model <ref>' not specified/],
      [['deploy', 'stars-ep', '--model', 'stars:1'], /'stars-ep' is not ENDPOINT\/DEPLOYMENT/],
      [['models', 'delete', 'stars'], /'stars' needs a version/],
      [['models', 'list', '-o', 'yaml'], /Allowed choices are json, table/],
      [['modles', 'list'], /unknown command 'modles'/],
      [['score', 'stars-ep', '--data', path.join(work, 'nope.csv')], /no such file: .*nope\.csv/],
      [['score', 'stars-ep', '--data', '-', '--format', 'csv'], /CSV row 1 has 2 fields; the header has 3/],
      [['deploy', 'stars-ep/blue', '--model', 'stars:1', '--max-batch-size', 'lots'], /Not a whole number/],
      [['endpoints', 'list', '--profile', 'nobody'], /no profile named 'nobody'/],
    ];
    for (const [args, message] of cases) {
      const result = expectExit(await sibyl(args, { input: 'a,b,c\n1,2\n' }), 2);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe('');
    }
  });

  it('uses SIBYL_URL and SIBYL_KEY without a profile', async () => {
    const bare = cliUser({ SIBYL_URL: host.baseUrl, SIBYL_KEY: host.functionKey });
    const list = expectExit(await bare.run(['endpoints', 'list', '-o', 'json']), 0).json<{ name: string }[]>();
    expect(list.map((e) => e.name)).toEqual(expect.arrayContaining(['stars-ep', 'stars-tok']));
    const unauth = expectExit(await cliUser({ SIBYL_URL: host.baseUrl }).run(['models', 'list']), 1);
    expect(unauth.stderr).toMatch(/error Unauthorized/);
  });

  it('deploys on replicas of its own and shows them', async () => {
    const env = await fetch(`${host.baseUrl}/api/environments/cli-container`, {
      method: 'PUT',
      headers: { 'x-functions-key': host.functionKey, 'content-type': 'application/json' },
      body: JSON.stringify({ executionProviders: ['cpu'], compute: { kind: 'container' } }),
    });
    expect(env.status).toBe(201);
    const args = [
      'deploy',
      'stars-ep/boxed',
      '--model',
      'stars:1',
      '--environment',
      'cli-container@1',
      '--min-instances',
      '1',
      '--max-instances',
      '2',
      '--scale-in-delay-seconds',
      '30',
      '--cpu',
      '0.5',
      '--memory-gi',
      '1',
    ];
    const deployed = expectExit(await sibyl([...args, '-o', 'json']), 0).json<{ instance: Record<string, number> }>();
    expect(deployed.instance).toEqual({
      minInstances: 1,
      maxInstances: 2,
      scaleInDelaySeconds: 30,
      cpu: 0.5,
      memoryGi: 1,
    });
    const shown = expectExit(await sibyl(['deployments', 'show', 'stars-ep/boxed']), 0);
    expect(shown.stdout).toMatch(/replicas\W+1 ready of 1 desired; boxed-\S+ Ready \(0 in flight, since /);
    const onFunctions = expectExit(
      await sibyl(['deploy', 'stars-ep/blue', '--model', 'stars:1', '--max-instances', '2']),
      1,
    );
    expect(onFunctions.stderr).toMatch(/InvalidInput \(HTTP 400\).*infra\//);
    expectExit(await sibyl(['deployments', 'delete', 'stars-ep/boxed']), 0);
  });

  it('deletes deployments and endpoints', async () => {
    expectExit(await sibyl(['traffic', 'stars-ep', 'blue=100', 'green=0']), 0);
    expectExit(await sibyl(['deployments', 'delete', 'stars-ep/green']), 0);
    expectExit(await sibyl(['deployments', 'show', 'stars-ep/green']), 1);
    expectExit(await sibyl(['endpoints', 'delete', 'stars-tok']), 0);
    const names = expectExit(await sibyl(['endpoints', 'list', '-o', 'json']), 0)
      .json<{ name: string }[]>()
      .map((e) => e.name);
    expect(names).not.toContain('stars-tok');
  });
});
