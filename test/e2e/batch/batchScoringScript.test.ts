/**
 * A batch job through a deployment's Python scoring script, end to end on the local host: the
 * examples/python-score model (custom: a JSON weights file) and its `score.py` (standard library only)
 * on the curated `python-3.11@1` environment. A job split by rows writes one result per row, a job
 * split by files one per file, each line under the input's file (and row), checked line by line.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tarGzOf } from '../../support/archives';
import { REPO_ROOT } from '../../support/hostProcess';
import { parseCsvLine } from '../../../shared/portable/csv';
import { download, startBatchHost, upload, type BatchClient, type BatchJobView } from './batchHarness';

const EXAMPLE = path.join(REPO_ROOT, 'examples', 'python-score');
const FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];

interface Weights {
  features: string[];
  classes: string[];
  weights: number[][];
  bias: number[];
}
const model = JSON.parse(fs.readFileSync(path.join(EXAMPLE, 'model', 'weights.json'), 'utf8')) as Weights;

/** What score.py's `predict` answers for one row, computed here the same way. */
function predict(values: number[]): { label: string; probabilities: number[] } {
  const scores = model.weights.map((w, k) => w.reduce((sum, wi, i) => sum + wi * values[i]!, 0) + model.bias[k]!);
  const top = Math.max(...scores);
  const exps = scores.map((s) => Math.exp(s - top));
  const total = exps.reduce((a, b) => a + b, 0);
  const probabilities = exps.map((e) => e / total);
  return { label: model.classes[probabilities.indexOf(Math.max(...probabilities))]!, probabilities };
}

/** Iris-like rows spread over the three classes. */
const rows = Array.from({ length: 7 }, (_, r) => [4.6 + r * 0.4, 3.4 - r * 0.15, 1.2 + r * 0.8, 0.2 + r * 0.35]);
const csv = (some: number[][]) => `${FEATURES.join(',')}\n${some.map((r) => r.join(',')).join('\n')}\n`;

let client: BatchClient;

beforeAll(async () => {
  client = await startBatchHost();
  const weights = await tarGzOf([
    { path: 'weights.json', data: fs.readFileSync(path.join(EXAMPLE, 'model', 'weights.json')) },
  ]);
  const registered = await client.call(
    'POST',
    'api/models/iris-weights/versions?type=custom',
    weights,
    'application/gzip',
  );
  expect(registered.status).toBe(201);
  const script = fs.readFileSync(path.join(EXAMPLE, 'code', 'score.py'));
  const code = await client.call('POST', 'api/code/iris-score/versions?fileName=score.py', script, 'text/x-python');
  expect(code.status).toBe(201);
  expect((await client.call('PUT', 'api/endpoints/iris-batch', { authMode: 'key' })).status).toBe(201);
  const deployed = await client.call('PUT', 'api/endpoints/iris-batch/deployments/blue', {
    model: 'iris-weights:1',
    environment: 'python-3.11@1',
    code: { code: 'iris-score:1', scoringScript: 'score.py' },
  });
  expect(`${deployed.status} ${JSON.stringify(deployed.body)}`).toMatch(/^201 /);
}, 300_000);

afterAll(async () => {
  await client?.host.stop();
});

/** Scores the CSV files under `{folder}/in/` through the deployment into `{folder}/out`; waits for the job to end. */
async function scoreFolder(folder: string, miniBatchSize: { rows: number } | { files: number }): Promise<BatchJobView> {
  const submitted = await client.submit({
    deployment: 'iris-batch/blue',
    input: { datastore: 'workspaceblobstore', path: `${folder}/in/`, format: 'csv' },
    output: { datastore: 'workspaceblobstore', path: `${folder}/out` },
    miniBatchSize,
  });
  expect(submitted.status).toBe(202);
  return client.waitFor(submitted.body.id, undefined, 240_000);
}

async function predictionLines(folder: string): Promise<string[][]> {
  return (await download(`${folder}/out/predictions.csv`))
    .split('\n')
    .filter((line) => line)
    .map(parseCsvLine);
}

describe('a batch job through a python scoring script', () => {
  it('scores rows: run() gets {column: value} rows and each result is written under its file and row', async () => {
    await upload('script-rows/in/a.csv', csv(rows.slice(0, 5)));
    await upload('script-rows/in/b.csv', csv(rows.slice(5)));
    const job = await scoreFolder('script-rows', { rows: 3 });
    expect(job.status).toBe('Completed');
    expect(job.progress).toEqual({ totalMiniBatches: 3, succeeded: 3, failed: 0, rowsScored: 7, rowsFailed: 0 });
    const [header, ...lines] = await predictionLines('script-rows');
    expect(header).toEqual(['file', 'row', 'result']);
    const expected = rows.map((values, i) => ({
      file: i < 5 ? 'script-rows/in/a.csv' : 'script-rows/in/b.csv',
      row: String(i < 5 ? i + 1 : i - 4),
      ...predict(values),
    }));
    expect(lines).toHaveLength(expected.length);
    lines.forEach(([file, row, result], i) => {
      const want = expected[i]!;
      expect([file, row]).toEqual([want.file, want.row]);
      const got = JSON.parse(result!) as { label: string; probabilities: number[] };
      expect(got.label).toBe(want.label);
      got.probabilities.forEach((p, k) => expect(p).toBeCloseTo(want.probabilities[k]!, 5));
    });
    expect(new Set(expected.map((e) => e.label)).size).toBeGreaterThan(1);
  }, 300_000);

  it('scores files: run() gets local paths and each result is written under its file', async () => {
    await upload('script-files/in/a.csv', csv(rows.slice(0, 4)));
    await upload('script-files/in/more/a.csv', csv(rows.slice(4)));
    const job = await scoreFolder('script-files', { files: 10 });
    expect(job.status).toBe('Completed');
    expect(job.progress).toMatchObject({ totalMiniBatches: 1, succeeded: 1, failed: 0, rowsScored: 2 });
    const labels = (some: number[][]) => some.map((values) => predict(values).label);
    expect(await predictionLines('script-files')).toEqual([
      ['file', 'row', 'result'],
      ['script-files/in/a.csv', '', JSON.stringify({ file: 'a.csv', labels: labels(rows.slice(0, 4)) })],
      ['script-files/in/more/a.csv', '', JSON.stringify({ file: '1-a.csv', labels: labels(rows.slice(4)) })],
    ]);
  }, 300_000);

  it('fails a mini-batch whose run() returns one result too few, and the job by its error threshold', async () => {
    const short =
      'def init():\n    pass\n\ndef run(mini_batch):\n    return [len(mini_batch)] * (len(mini_batch) - 1)\n';
    const code = await client.call(
      'POST',
      'api/code/short-score/versions?fileName=score.py',
      Buffer.from(short),
      'text/x-python',
    );
    expect(code.status).toBe(201);
    const deployed = await client.call('PUT', 'api/endpoints/iris-batch/deployments/short', {
      model: 'iris-weights:1',
      environment: 'python-3.11@1',
      code: { code: 'short-score:1', scoringScript: 'score.py' },
    });
    expect(`${deployed.status} ${JSON.stringify(deployed.body)}`).toMatch(/^201 /);
    await upload('script-short/in.csv', csv(rows.slice(0, 2)));
    const submitted = await client.submit({
      deployment: 'iris-batch/short',
      input: { datastore: 'workspaceblobstore', path: 'script-short/in.csv', format: 'csv' },
      output: { datastore: 'workspaceblobstore', path: 'script-short/out' },
      miniBatchSize: { rows: 10 },
      retry: { maxRetries: 1, timeoutSeconds: 30 },
      errorThreshold: 0,
    });
    expect(submitted.status).toBe(202);
    const job = await client.waitFor(submitted.body.id, undefined, 240_000);
    expect(job.status).toBe('Failed');
    expect(job.progress).toMatchObject({ totalMiniBatches: 1, succeeded: 0, failed: 1 });
    const logs = await client.call<{ value: { message: string }[] }>('GET', `api/runs/${job.id}/logs`);
    expect(logs.body.value.map((l) => l.message).join('\n')).toMatch(/returned 1 results for 2 inputs/);
  }, 300_000);
});
