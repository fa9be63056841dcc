/**
 * Batch jobs against the workspace: malformed rows under and over the error threshold (logged with
 * file and line), bad specs refused before anything starts, a deployment job with `summary_only`,
 * datastores, and the runs / logs / experiments routes.
 */
import {
  type BatchClient,
  blobService,
  CONTAINER,
  csvText,
  download,
  expectScores,
  expectedScores,
  featureRows,
  parsePredictions,
  startBatchHost,
  upload,
  workspaceJob,
} from './batchHarness';
import type { RunView } from '../pipelines/pipelineHarness';

let client: BatchClient;
const model = 'mlp-workspace';

beforeAll(async () => (client = await startBatchHost({ model })), 120_000);
afterAll(() => client?.host.stop());

/** 100 rows with three bad ones: a word (data row 10 = line 11), a short row (row 40), a blank line (row 70). */
function withBadRows(): { text: string; good: number[][]; goodRows: number[] } {
  const rows = featureRows(100, 11);
  const lines = rows.map((r) => r.join(','));
  lines[9] = lines[9]!.replace(/^[^,]+/, 'abc');
  lines[39] = rows[39]!.slice(0, 5).join(',');
  lines[69] = '';
  const bad = new Set([9, 39, 69]);
  const goodRows = rows.map((_, i) => i + 1).filter((n) => !bad.has(n - 1));
  return {
    text: `${csvText([]).split('\n')[0]}\n${lines.join('\n')}\n`,
    good: rows.filter((_, i) => !bad.has(i)),
    goodRows,
  };
}

/** Submits a job over `errors/{folder}/` into `errors/{folder}-out`, in experiment `batch-errors`. */
function submitErrors(folder: string, settings: Record<string, unknown>) {
  const spec = { model: `${model}:1`, experiment: 'batch-errors', ...settings };
  return client.submit(workspaceJob(`errors/${folder}/`, `errors/${folder}-out`, spec));
}

describe('batch jobs in the workspace', () => {
  it('counts malformed rows under the threshold, logs them with file and line, and completes', async () => {
    const { text, good, goodRows } = withBadRows();
    await upload('errors/under/data.csv', text);
    const submitted = await submitErrors('under', { miniBatchSize: { rows: 30 }, errorThreshold: 3 });
    expect(submitted.status).toBe(202);
    const job = await client.waitFor(submitted.body.id);
    expect(job.status).toBe('Completed');
    expect(job.progress).toMatchObject({ failed: 0, rowsScored: 97, rowsFailed: 3 });
    expect(job.progress.succeeded).toBe(job.progress.totalMiniBatches);
    expectScores(
      parsePredictions(await download('errors/under-out/predictions.csv')).rows,
      'errors/under/data.csv',
      await expectedScores(good),
      goodRows,
    );

    const logs = await client.call<{ value: { message: string; level: string }[] }>('GET', `api/runs/${job.id}/logs`);
    const text0 = logs.body.value.map((l) => l.message).join('\n');
    expect(text0).toContain('errors/under/data.csv line 11');
    expect(text0).toContain('errors/under/data.csv line 41');
    expect(text0).toContain('errors/under/data.csv line 71');
    const run = await client.call<RunView>('GET', `api/runs/${job.id}`);
    expect(run.body).toMatchObject({
      id: job.id,
      kind: 'batch',
      status: 'Completed',
      experiment: 'batch-errors',
      parameters: { model: `${model}:1`, inputFormat: 'csv', miniBatchRows: 30, errorThreshold: 3 },
    });
    expect(run.body.metrics.rowsScored).toBe(97);
    expect(run.body.metrics.rowsPerSecond).toBeGreaterThan(0);
    expect(run.body.outputs).toEqual({
      predictions: { datastore: 'workspaceblobstore', path: 'errors/under-out/predictions.csv' },
    });
  });

  it('stops early and fails past the threshold, with the reason', async () => {
    const { text } = withBadRows();
    const many = featureRows(600, 12);
    await upload('errors/over/a.csv', text);
    await upload('errors/over/b.csv', csvText(many));
    const submitted = await submitErrors('over', { miniBatchSize: { rows: 20 }, maxConcurrency: 1, errorThreshold: 0 });
    const job = await client.waitFor(submitted.body.id);
    expect(job.status).toBe('Failed');
    expect(job.error?.code).toBe('ErrorThresholdExceeded');
    expect(job.error?.message).toMatch(/1 rows failed, more than the errorThreshold of 0/);
    // Mini-batches are byte ranges of about 20 rows; a.csv row 10 is in the first: the job stopped right after it.
    expect(job.progress.totalMiniBatches).toBeGreaterThanOrEqual(30);
    expect(job.progress.succeeded).toBe(1);
    expect(job.progress.rowsFailed).toBe(1);
    expect(
      await blobService().getContainerClient(CONTAINER).getBlobClient('errors/over-out/predictions.csv').exists(),
    ).toBe(false);
  });

  it('refuses bad specs with 4xx before anything starts', async () => {
    await upload('specs/good.csv', csvText(featureRows(3)));
    await upload('specs/wrong-columns.csv', 'a,b,c\n1,2,3\n');
    // Other test files share the workspace: count only runs that name this test's inputs.
    const runsOfSpecs = async () =>
      (await client.call<{ value: unknown[] }>('GET', 'api/runs?top=1000')).body.value.filter((run) =>
        JSON.stringify(run).includes('specs/'),
      ).length;
    const before = await runsOfSpecs();
    const base = workspaceJob('specs/good.csv', 'specs/out', { model: `${model}:1` });
    const cases: [Record<string, unknown>, number, string][] = [
      [{ ...base, input: { ...base.input, datastore: 'nosuchstore' } }, 404, 'DatastoreNotFound'],
      [{ ...base, output: { ...base.output, datastore: 'nosuchstore' } }, 404, 'DatastoreNotFound'],
      [{ ...base, model: undefined, deployment: 'nosuch-endpoint/blue' }, 404, 'EndpointNotFound'],
      [{ ...base, model: 'nosuch-model:1' }, 404, 'ModelNotFound'],
      [{ ...base, input: { ...base.input, path: 'specs/nothing-here/' } }, 400, 'InvalidInput'],
      [{ ...base, input: { ...base.input, format: 'xlsx' } }, 400, 'InvalidInput'],
      [{ ...base, input: { ...base.input, path: 'specs/wrong-columns.csv' } }, 400, 'InvalidInput'],
      [{ ...base, deployment: 'a-endpoint/blue' }, 400, 'InvalidInput'],
      [{ ...base, miniBatchSize: { rows: 0 } }, 400, 'InvalidInput'],
    ];
    for (const [spec, status, code] of cases) {
      const answer = await client.submit(spec);
      expect({ spec, status: answer.status, code: answer.body.error?.code }).toEqual({ spec, status, code });
    }
    const columns = await client.submit({ ...base, input: { ...base.input, path: 'specs/wrong-columns.csv' } });
    expect(columns.body.error?.message).toMatch(/columns 'a', 'b', 'c'.*features_0/);
    expect(await runsOfSpecs()).toBe(before);
  });

  it('runs a job against a deployment with summary_only, on a registered datastore with a prefix', async () => {
    expect((await client.call('PUT', 'api/endpoints/batchep', { authMode: 'key' })).status).toBeLessThan(300);
    const deployed = await client.call('PUT', 'api/endpoints/batchep/deployments/blue', { model: `${model}:1` });
    expect(deployed.status).toBeLessThan(300);
    const store = await client.call<{ name: string; container: string; prefix: string; accountUrl: string }>(
      'PUT',
      'api/datastores/landing',
      { container: 'landing-zone', prefix: 'in/' },
    );
    expect(store.status).toBe(201);
    expect(store.body).toMatchObject({ name: 'landing', container: 'landing-zone', prefix: 'in/' });
    expect(store.body.accountUrl).toMatch(/^http/);
    await upload('in/day1/a.csv', csvText(featureRows(40, 13)), 'landing-zone');
    const submitted = await client.submit({
      deployment: 'batchep/blue',
      input: { datastore: 'landing', path: 'day1', format: 'csv' },
      output: { datastore: 'landing', path: 'results' },
      outputAction: 'summary_only',
      experiment: 'batch-summary',
    });
    expect(submitted.status).toBe(202);
    const job = await client.waitFor(submitted.body.id);
    expect(job.status).toBe('Completed');
    expect(job.output).toEqual({ datastore: 'landing', path: 'results/summary.json' });
    const summary = JSON.parse(await download('in/results/summary.json', 'landing-zone')) as {
      jobId: string;
      progress: { rowsScored: number };
    };
    expect(summary).toMatchObject({ jobId: job.id, progress: { rowsScored: 40 } });

    const list = await client.call<{ value: { name: string; isDefault?: boolean }[] }>('GET', 'api/datastores');
    expect(list.body.value.map((d) => d.name)).toEqual(expect.arrayContaining(['landing', 'workspaceblobstore']));
    expect((await client.call<{ container: string }>('GET', 'api/datastores/workspaceblobstore')).body.container).toBe(
      'workspaceblobstore',
    );
    expect((await client.call('GET', 'api/datastores/nosuch')).status).toBe(404);
  });

  it('lists runs newest first with filters and paging, and experiments with counts', async () => {
    const all = await client.call<{ value: RunView[] }>('GET', 'api/runs?experiment=batch-errors');
    expect(all.body.value.length).toBe(2);
    expect(all.body.value.every((r) => r.experiment === 'batch-errors')).toBe(true);
    const failed = await client.call<{ value: RunView[] }>('GET', 'api/runs?experiment=batch-errors&status=Failed');
    expect(failed.body.value.map((r) => r.status)).toEqual(['Failed']);
    const page = await client.call<{ value: RunView[]; nextLink?: string }>('GET', 'api/runs?top=1');
    expect(page.body.value.length).toBe(1);
    expect(page.body.nextLink).toBeDefined();
    const next = await fetch(page.body.nextLink!, { headers: { 'x-functions-key': client.host.functionKey } });
    const second = (await next.json()) as { value: RunView[] };
    expect(second.value.length).toBe(1);
    expect(second.value[0]!.id).not.toBe(page.body.value[0]!.id);
    // The token in nextLink is opaque: garbled, truncated or made up, it is a 400 that names it, never a page.
    const token = new URL(page.body.nextLink!).searchParams.get('continuationToken')!;
    const [body, digest] = token.split('.') as [string, string];
    for (const bad of [
      'garbage',
      token.slice(0, -2),
      `${body.slice(0, -6)}.${digest}`,
      `${Buffer.from('{"token":"+RID:x#RT:1#TRC:1"}').toString('base64url')}.${digest}`,
    ]) {
      const refused = await client.call<{ error: { code: string; message: string } }>(
        'GET',
        `api/runs?top=1&continuationToken=${encodeURIComponent(bad)}`,
      );
      expect([refused.status, refused.body.error.code, refused.body.error.message]).toEqual([
        400,
        'InvalidInput',
        'The continuation token is not valid; start again without it.',
      ]);
    }
    const experiments = await client.call<{ value: { name: string; runCount: number; lastRunAt?: string }[] }>(
      'GET',
      'api/experiments',
    );
    expect(experiments.body.value).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'batch-errors', runCount: 2 }),
        expect.objectContaining({ name: 'batch-summary', runCount: 1 }),
      ]),
    );
    expect((await client.call('GET', 'api/runs/no-such-run')).status).toBe(404);
    expect((await client.call('GET', 'api/batch/jobs/no-such-job')).status).toBe(404);
    expect((await client.call('GET', 'api/runs?status=Sleeping')).status).toBe(400);
    const batches = await client.call<{ value: RunView[] }>('GET', 'api/runs?kind=batch&experiment=batch-errors');
    expect(batches.body.value.map((r) => r.id).sort()).toEqual(all.body.value.map((r) => r.id).sort());
    expect(
      (await client.call<{ value: RunView[] }>('GET', 'api/runs?kind=pipeline&experiment=batch-errors')).body.value,
    ).toEqual([]);
    expect((await client.call('GET', 'api/runs?kind=')).status).toBe(400);
  });
});
