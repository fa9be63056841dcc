/**
 * Model monitoring end to end over the emulator: a deployment collects what it scores into Azure ML's
 * layout (every row once at sampling rate 1, inputs and outputs sharing the request id), a storage
 * failure drops collected lines (counted) but no answer, and a monitor run against a seeded baseline
 * flags exactly the feature whose distribution was moved, with values that a reference recomputes
 * from the histograms the run stored.
 */
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { mlpModel } from '../../../scripts/onnx/mlpModel';
import { baselineCsv, DRIFT_COLUMNS as COLUMNS, driftedRequests, ROWS_PER_REQUEST } from '../../support/driftRows';
import { pollUntil } from '../../support/poll';
import { REPO_ROOT, startHost, type HostProcess } from '../../support/hostProcess';
import { cliUser, expectExit } from '../cli/cliProcess';
import { expectError, HOST_START_MS, ServingClient, uniqueSuffix } from '../serving/support/servingClient';

const RUN = uniqueSuffix();
const REQUESTS = 40;

interface RunView {
  id: string;
  status: string;
  outputs: Record<string, unknown>;
}

interface MonitorResultView {
  rows: Record<string, number>;
  drifted: string[];
  windowEnd: string;
  features: {
    name: string;
    signal: string;
    value: number | null;
    metric: string;
    drifted: boolean;
    histogram: { baseline: number[]; current: number[] };
  }[];
}

interface CollectedLine {
  correlationid: string;
  time: string;
  type: string;
  data: Record<string, number>[];
}

async function readLines(
  container: ContainerClient,
  prefix: string,
): Promise<{ paths: string[]; lines: CollectedLine[] }> {
  const paths: string[] = [];
  const lines: CollectedLine[] = [];
  for await (const item of container.listBlobsFlat({ prefix })) {
    paths.push(item.name);
    const text = (await container.getBlobClient(item.name).downloadToBuffer()).toString('utf8');
    for (const line of text.split('\n')) if (line.trim()) lines.push(JSON.parse(line) as CollectedLine);
  }
  return { paths, lines };
}

/** Reference PSI, written from the definition (proportions, empty bins as 0.0001). */
function referencePsi(baseline: number[], current: number[]): number {
  const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const [tb, tc] = [total(baseline), total(current)];
  return baseline.reduce((sum, b, i) => {
    const p = Math.max(b / tb, 0.0001);
    const q = Math.max(current[i]! / tc, 0.0001);
    return sum + (q - p) * Math.log(q / p);
  }, 0);
}

/** Reference KS: the largest gap between the two cumulative shares, at every bin boundary. */
function referenceKs(baseline: number[], current: number[]): number {
  const cumulative = (xs: number[]) => {
    const total = xs.reduce((a, b) => a + b, 0);
    let sum = 0;
    return xs.map((x) => (sum += x) / total);
  };
  const [cb, cc] = [cumulative(baseline), cumulative(current)];
  return Math.max(...cb.map((b, i) => Math.abs(b - cc[i]!)));
}

describe('model monitoring (emulator over HTTP)', () => {
  let host: HostProcess;
  let sibyl: ServingClient;
  let key: string;
  let store: ContainerClient;
  const ep = `mon-${RUN}`;
  const sent = driftedRequests(REQUESTS);
  const ids = Array.from({ length: REQUESTS }, (_, i) => `req-${RUN}-${i}`);

  beforeAll(async () => {
    // The scheduler's timers run every second, so a monitor's cron trigger is seen at once.
    host = await startHost({ appDir: REPO_ROOT, env: { SIBYL_SCHEDULER_CRON: '* * * * * *' } });
    sibyl = new ServingClient(host);
    key = await sibyl.serve(ep, `mon-${RUN}`, mlpModel({ inputs: 4, hidden: [8], outputs: 2, seed: 5 }), {
      dataCollection: { enabled: true },
    });
    store = BlobServiceClient.fromConnectionString(
      process.env.SIBYL_TEST_STORAGE_CONNECTION_STRING!,
    ).getContainerClient('workspaceblobstore');
    await store.createIfNotExists();
  }, HOST_START_MS);

  afterAll(async () => {
    await host?.stop();
  });

  it('shows the collection settings with their defaults', async () => {
    const got = await sibyl.call('GET', `api/endpoints/${ep}/deployments/blue`);
    expect(got.body.dataCollection).toEqual({
      enabled: true,
      samplingRate: 1,
      collections: ['model_inputs', 'model_outputs'],
      datastore: 'workspaceblobstore',
    });
  });

  it('collects every scored row once, in the layout, inputs and outputs sharing the request id', async () => {
    const answers = await Promise.all(
      ids.map((id, i) =>
        sibyl.score(ep, { input_data: { columns: COLUMNS, data: sent[i] } }, key, { 'x-ms-client-request-id': id }),
      ),
    );
    for (const answer of answers) expect(answer.status).toBe(200);
    const collected = (collection: string) =>
      pollUntil(
        async () => {
          const found = await readLines(store, `${ep}/blue/${collection}/`);
          return found.lines.length >= REQUESTS && found;
        },
        `collected ${collection}`,
        60000,
        250,
      );
    const [inputs, outputs] = [await collected('model_inputs'), await collected('model_outputs')];
    for (const [collection, found] of [
      ['model_inputs', inputs],
      ['model_outputs', outputs],
    ] as const) {
      for (const path of found.paths)
        expect(path).toMatch(new RegExp(`^${ep}/blue/${collection}/\\d{4}/\\d{2}/\\d{2}/\\d{2}/[^/]+\\.jsonl$`));
      expect(found.lines).toHaveLength(REQUESTS);
      for (const line of found.lines) {
        expect(line.type).toBe(`azureml.inference.${collection}`);
        // The hour folder is the line's own UTC hour.
        const hour = line.time.slice(0, 13).replace(/[-T]/g, '/');
        expect(found.paths.some((p) => p.includes(`/${collection}/${hour}/`))).toBe(true);
      }
      expect(found.lines.map((l) => l.correlationid).sort()).toEqual([...ids].sort());
    }
    // Every row exactly once, with its column names, in the request's order.
    const byId = new Map(inputs.lines.map((l) => [l.correlationid, l.data]));
    ids.forEach((id, i) =>
      expect(byId.get(id)).toEqual(sent[i]!.map((r) => Object.fromEntries(COLUMNS.map((c, j) => [c, r[j]])))),
    );
    for (const line of outputs.lines) {
      expect(line.data).toHaveLength(ROWS_PER_REQUEST);
      expect(Object.keys(line.data[0]!).sort()).toEqual(['scores_0', 'scores_1']);
    }
  });

  it('refuses bad collection settings', async () => {
    expectError(
      await sibyl.putDeployment(ep, 'bad', {
        model: `mon-${RUN}:1`,
        dataCollection: { enabled: true, samplingRate: 2 },
      }),
      400,
      'InvalidInput',
    );
    expectError(
      await sibyl.putDeployment(ep, 'bad', {
        model: `mon-${RUN}:1`,
        dataCollection: { enabled: true, collections: ['model_logs'] },
      }),
      400,
      'InvalidInput',
    );
    expectError(
      await sibyl.putDeployment(ep, 'bad', {
        model: `mon-${RUN}:1`,
        dataCollection: { enabled: true, datastore: `nowhere_${RUN}` },
      }),
      404,
      'DatastoreNotFound',
    );
  });

  it('drops collected data, counted, when storage fails, and never a scoring answer', async () => {
    const container = `collect-outage-${RUN}`;
    expect((await sibyl.call('PUT', `api/datastores/outage_${RUN}`, { body: { container } })).status).toBe(201);
    const outageKey = await sibyl.serve(
      `out-${RUN}`,
      `out-${RUN}`,
      mlpModel({ inputs: 4, hidden: [8], outputs: 2, seed: 6 }),
      { dataCollection: { enabled: true, datastore: `outage_${RUN}`, collections: ['model_inputs'] } },
    );
    const blobs = BlobServiceClient.fromConnectionString(
      process.env.SIBYL_TEST_STORAGE_CONNECTION_STRING!,
    ).getContainerClient(container);
    expect((await sibyl.score(`out-${RUN}`, { data: sent[0]!.slice(0, 2) }, outageKey)).status).toBe(200);
    await pollUntil(
      async () => (await readLines(blobs, `out-${RUN}/`)).lines.length === 1,
      'the first collected line',
      60000,
      250,
    );
    // Storage fails under the collector: the container it appends to is gone.
    await blobs.delete();
    for (let i = 0; i < 10; i++)
      expect((await sibyl.score(`out-${RUN}`, { data: sent[0]!.slice(i, i + 2) }, outageKey)).status).toBe(200);
    const totals = await pollUntil(
      async () => {
        const metrics = await sibyl.call('GET', `api/endpoints/out-${RUN}/metrics?minutes=10`);
        const points = (metrics.body.deployments.blue ?? []) as { collected: number; collectionDropped: number }[];
        const sum = (f: 'collected' | 'collectionDropped') => points.reduce((a, p) => a + (p[f] ?? 0), 0);
        return (
          sum('collected') + sum('collectionDropped') === 11 &&
          sum('collectionDropped') > 0 && { dropped: sum('collectionDropped') }
        );
      },
      'collected and dropped lines in the metrics',
      60000,
      500,
    );
    expect(totals.dropped).toBeGreaterThan(0);
  });

  describe('monitors', () => {
    const baselinePath = `baselines/${RUN}/train.csv`;
    const monitor = `drift-${RUN}`;

    beforeAll(async () => {
      await store.getBlockBlobClient(baselinePath).uploadData(Buffer.from(baselineCsv()));
    });

    it('refuses bad monitors', async () => {
      const base = {
        endpoint: ep,
        deployment: 'blue',
        baseline: { datastore: 'workspaceblobstore', path: baselinePath, format: 'csv' },
      };
      expectError(
        await sibyl.call('PUT', `api/monitors/${monitor}`, { body: { ...base, signals: {} } }),
        400,
        'InvalidInput',
      );
      expectError(
        await sibyl.call('PUT', `api/monitors/${monitor}`, {
          body: { ...base, signals: { dataDrift: { metric: 'chi2', threshold: 1 } } },
        }),
        400,
        'InvalidInput',
      );
      expectError(
        await sibyl.call('PUT', `api/monitors/${monitor}`, {
          body: { ...base, signals: { dataDrift: { metric: 'psi', threshold: 0.2 } }, window: 'PT0H' },
        }),
        400,
        'InvalidInput',
      );
      expectError(
        await sibyl.call('PUT', `api/monitors/${monitor}`, {
          body: { ...base, signals: { dataDrift: { metric: 'psi', threshold: 0.2 } }, trigger: { cron: 'every day' } },
        }),
        400,
        'InvalidInput',
      );
      expectError(
        await sibyl.call('PUT', `api/monitors/${monitor}`, {
          body: { ...base, deployment: 'green', signals: { dataDrift: { metric: 'psi', threshold: 0.2 } } },
        }),
        404,
        'DeploymentNotFound',
      );
      expectError(await sibyl.call('GET', `api/monitors/none-${RUN}`), 404, 'MonitorNotFound');
      expectError(await sibyl.call('POST', `api/monitors/none-${RUN}/runs`), 404, 'MonitorNotFound');
    });

    it('flags exactly the moved feature, with values a reference recomputes from the stored histograms', async () => {
      const spec = {
        endpoint: ep,
        deployment: 'blue',
        baseline: { datastore: 'workspaceblobstore', path: baselinePath, format: 'csv' },
        features: COLUMNS,
        signals: { dataDrift: { metric: 'psi', threshold: 0.2 } },
        window: 'PT2H',
        trigger: { frequency: 'day', interval: 1 },
      };
      const created = await sibyl.call('PUT', `api/monitors/${monitor}`, { body: spec });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: monitor, window: 'PT2H', history: [] });
      expect(typeof created.body.nextRunTime).toBe('string');

      const started = await sibyl.call('POST', `api/monitors/${monitor}/runs`);
      expect(started.status).toBe(202);
      expect(started.body).toMatchObject({ kind: 'monitor', experiment: monitor });
      const runId = started.body.id as string;
      const run = await pollUntil<RunView>(
        async () => {
          const got = await sibyl.call('GET', `api/runs/${runId}`);
          const body = got.body as RunView;
          return ['Completed', 'Failed', 'Canceled'].includes(body.status) && body;
        },
        'the monitor run to end',
        120000,
        250,
      );
      expect(run.status).toBe('Completed');
      const result = run.outputs.result as MonitorResultView;
      expect(result.rows).toEqual({
        baseline: 2000,
        inputs: REQUESTS * ROWS_PER_REQUEST,
        outputs: REQUESTS * ROWS_PER_REQUEST,
      });
      expect(result.drifted).toEqual(['d']);
      expect(result.features.map((f) => f.name)).toEqual(COLUMNS);
      for (const f of result.features) {
        expect(f.metric).toBe('psi');
        expect(f.value).toBeCloseTo(referencePsi(f.histogram.baseline, f.histogram.current), 9);
        expect(f.signal).toBe('dataDrift');
        expect(f.histogram.baseline.reduce((a, b) => a + b, 0)).toBe(2000);
        expect(f.histogram.current.reduce((a, b) => a + b, 0)).toBe(REQUESTS * ROWS_PER_REQUEST);
        expect(f.drifted).toBe(f.name === 'd');
      }

      const got = await sibyl.call('GET', `api/monitors/${monitor}`);
      expect(got.body.lastResult).toEqual(result);
      expect(got.body.history).toHaveLength(1);
      expect((await sibyl.call('GET', 'api/monitors')).body.value.map((m: { name: string }) => m.name)).toContain(
        monitor,
      );
      const logs = await sibyl.call('GET', `api/runs/${runId}/logs`);
      expect(logs.body.value.some((l: { message: string }) => /dataDrift d: psi = .* DRIFTED/.test(l.message))).toBe(
        true,
      );
    });

    it('is driven by the CLI: monitors create, list, run --wait, show', async () => {
      const sibylCli = cliUser().run;
      expectExit(await sibylCli(['login', '--url', host.baseUrl, '--key', host.functionKey]), 0);
      const name = `cli-${RUN}`;
      const created = expectExit(
        await sibylCli([
          'monitors',
          'create',
          name,
          '--deployment',
          `${ep}/blue`,
          '--baseline',
          `workspaceblobstore:${baselinePath}`,
          '--metric',
          'ks',
          '--threshold',
          '0.1',
          '-o',
          'json',
        ]),
        0,
      );
      expect(created.json()).toMatchObject({
        name,
        signals: { dataDrift: { metric: 'ks', threshold: 0.1 } },
        baseline: { format: 'csv' },
      });
      expect(
        expectExit(await sibylCli(['monitors', 'list', '-o', 'json']), 0)
          .json<{ name: string }[]>()
          .map((m) => m.name),
      ).toContain(name);
      const run = expectExit(await sibylCli(['monitors', 'run', name, '--wait', '-o', 'json']), 0).json<RunView>();
      expect(run.status).toBe('Completed');
      const result = run.outputs.result as MonitorResultView;
      expect(result.drifted).toEqual(['d']);
      for (const f of result.features)
        expect(f.value).toBeCloseTo(referenceKs(f.histogram.baseline, f.histogram.current), 9);
      const shown = expectExit(await sibylCli(['monitors', 'show', name]), 0).stdout;
      expect(shown).toMatch(/│ dataDrift │ d +│ ks +│ [0-9.]+ +│ 0\.1 +│ DRIFTED │/);
      expect(
        expectExit(await sibylCli(['monitors', 'create', `bad-${RUN}`, '--deployment', `${ep}/blue`]), 2).stderr,
      ).toMatch(/--baseline/);
      expect(expectExit(await sibylCli(['monitors', 'show', `none-${RUN}`]), 1).stderr).toMatch(/MonitorNotFound/);
    });

    it('runs on its cron trigger, once per tick, with the window ending at the tick', async () => {
      const timed = `timed-${RUN}`;
      const spec = {
        endpoint: ep,
        deployment: 'blue',
        baseline: { datastore: 'workspaceblobstore', path: baselinePath, format: 'csv' },
        signals: {
          dataDrift: { metric: 'ks', threshold: 0.1 },
          predictionDrift: { metric: 'jensenShannon', threshold: 0.1 },
        },
        trigger: { cron: '*/2 * * * * *' },
      };
      expect((await sibyl.call('PUT', `api/monitors/${timed}`, { body: spec })).status).toBe(201);
      const runs = await pollUntil(
        async () => {
          const got = await sibyl.call('GET', `api/runs?experiment=${timed}`);
          const value = got.body.value as { id: string; status: string; kind: string }[];
          return value.some((r) => r.status === 'Completed') && value;
        },
        'a triggered monitor run',
        90000,
        500,
      );
      expect((await sibyl.call('DELETE', `api/monitors/${timed}`)).status).toBe(204);
      for (const r of runs) expect(r.id).toMatch(new RegExp(`^monitor-${timed}-\\d{8}T\\d{9}Z$`));
      expect(new Set(runs.map((r) => r.id)).size).toBe(runs.length);
      const completed = runs.find((r) => r.status === 'Completed')!;
      const run = (await sibyl.call('GET', `api/runs/${completed.id}`)).body as RunView;
      const result = run.outputs.result as MonitorResultView;
      expect(Date.parse(result.windowEnd) % 2000).toBe(0);
      // Outputs have no baseline column: their prediction drift has no value and is not flagged.
      expect(result.features.filter((f) => f.signal === 'predictionDrift').map((f) => [f.name, f.value])).toEqual([
        ['scores_0', null],
        ['scores_1', null],
      ]);
      expect(result.drifted).toEqual(['d']);
    });
  });
});
