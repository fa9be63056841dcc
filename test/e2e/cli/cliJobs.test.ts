/**
 * The `sibyl` CLI as a child process against the local host, batch side: datastores, upload →
 * `batch run --wait` (progress bar, exit by outcome) → `runs logs` → download; cancel; pipeline apply,
 * publish and run `--wait`; schedules apply, list, disable, enable, delete.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { horoscopeModel, HOROSCOPE_FEATURES } from '../../../scripts/onnx/horoscopeModel';
import { REPO_ROOT, startHost, tempDir, type HostProcess } from '../../support/hostProcess';
import { cliUser, expectExit, words } from './cliProcess';

const ROWS_PER_FILE = 120;

function csvFile(file: string, rows: number, seed: number, bad?: string): void {
  const lines = [HOROSCOPE_FEATURES.join(',')];
  for (let i = 0; i < rows; i++)
    lines.push(
      [1 + ((seed + i) % 12), 1 + ((seed * 7 + i) % 28), 50 + (i % 50), 1 + (i % 12), 1 + (i % 28), i % 7].join(','),
    );
  if (bad) lines.push(bad);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

interface Job {
  id: string;
  status: string;
  progress: { totalMiniBatches: number; succeeded: number; failed: number; rowsScored: number; rowsFailed: number };
  output: { datastore: string; path: string };
  error?: { code: string };
}

describe('sibyl CLI: datastores, batch jobs, runs, pipelines, schedules', () => {
  let host: HostProcess;
  let work: string;
  const user = cliUser();
  const sibyl = user.run;
  /** Runs a command line (given in pieces, split at spaces) and expects exit `code`. */
  const exits = async (code: number, ...line: string[]) => expectExit(await sibyl(words(...line)), code);
  const connectionString = () => process.env.SIBYL_TEST_STORAGE_CONNECTION_STRING ?? '';

  beforeAll(async () => {
    host = await startHost({ appDir: REPO_ROOT });
    work = tempDir('cli-jobs');
    fs.writeFileSync(path.join(work, 'stars.onnx'), horoscopeModel());
    fs.mkdirSync(path.join(work, 'input'));
    csvFile(path.join(work, 'input', 'day1.csv'), ROWS_PER_FILE, 1);
    csvFile(path.join(work, 'input', 'day2.csv'), ROWS_PER_FILE, 2);
    csvFile(path.join(work, 'bad.csv'), 5, 3, 'x,1,1,1,1,1');
    expectExit(await sibyl(['login', '--url', host.baseUrl, '--key', host.functionKey]), 0);
    expectExit(await sibyl(['models', 'register', path.join(work, 'stars.onnx'), '--name', 'stars-jobs']), 0);
    expectExit(await sibyl(['endpoints', 'create', 'stars-batch']), 0);
    expectExit(await sibyl(['deploy', 'stars-batch/blue', '--model', 'stars-jobs:1']), 0);
  }, 180000);

  afterAll(async () => {
    await host?.stop();
  });

  it('lists the default datastore with its account', async () => {
    const stores = expectExit(await sibyl(['datastores', 'list', '-o', 'json']), 0).json<
      { name: string; container: string; accountUrl: string; isDefault?: boolean }[]
    >();
    expect(stores).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'workspaceblobstore', accountUrl: expect.stringMatching(/^https?:\/\//) }),
      ]),
    );
  });

  it('uploads a folder (with a connection string) and a single file (Azurite dev account)', async () => {
    const folder = expectExit(
      await sibyl([
        'upload',
        path.join(work, 'input'),
        'workspaceblobstore:cli/input/',
        '--connection-string',
        connectionString(),
        '-o',
        'json',
      ]),
      0,
    );
    expect(folder.json<{ path: string }[]>().map((m) => m.path)).toEqual(['cli/input/day1.csv', 'cli/input/day2.csv']);
    const single = expectExit(
      await sibyl(['upload', path.join(work, 'bad.csv'), 'workspaceblobstore:cli/bad/', '-o', 'json']),
      0,
    );
    expect(single.json()).toEqual([
      expect.objectContaining({ path: 'cli/bad/bad.csv', bytes: fs.statSync(path.join(work, 'bad.csv')).size }),
    ]);
    expect(
      expectExit(await sibyl(['upload', path.join(work, 'missing.csv'), 'workspaceblobstore:cli/']), 2).stderr,
    ).toMatch(/no such file or folder/);
  });

  let jobId = '';

  it('runs a batch job with --wait: progress on stderr, the finished job on stdout, exit 0', async () => {
    const result = await exits(
      0,
      'batch run --deployment stars-batch/blue --input workspaceblobstore:cli/input/',
      '--output-path workspaceblobstore:cli/output/ --rows 40 --experiment cli-e2e --wait --output json',
    );
    const job = result.json<Job>();
    jobId = job.id;
    expect(job).toMatchObject({
      status: 'Completed',
      progress: { totalMiniBatches: 6, succeeded: 6, failed: 0, rowsScored: 2 * ROWS_PER_FILE, rowsFailed: 0 },
    });
    expect(result.stderr).toMatch(
      /mini-batches \[.*\] 6\/6 \| 240 rows \(0 failed\) \| [\d.]+ rows\/s \| ETA 0s \| Completed/,
    );
  });

  it('shows the run, its logs (also followed, as JSON lines) and downloads the predictions', async () => {
    const runs = expectExit(await sibyl(['runs', 'list', '--experiment', 'cli-e2e', '-o', 'json']), 0).json<
      { id: string; status: string }[]
    >();
    expect(runs.map((r) => r.id)).toContain(jobId);
    const run = expectExit(await sibyl(['runs', 'show', jobId, '-o', 'json']), 0).json<{
      status: string;
      metrics: Record<string, number>;
    }>();
    expect(run.status).toBe('Completed');
    const logs = expectExit(await sibyl(['runs', 'logs', jobId]), 0);
    expect(logs.stdout).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \w+ +.+/m);
    const followed = expectExit(await sibyl(['runs', 'logs', jobId, '--follow', '-o', 'json']), 0);
    const lines = followed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { message: string });
    expect(lines.length).toBe(logs.stdout.trim().split('\n').length);
    const into = tempDir('cli-download');
    const downloaded = expectExit(
      await sibyl(['download', 'workspaceblobstore:cli/output/', into, '-o', 'json']),
      0,
    ).json<{ local: string; path: string }[]>();
    const predictions = downloaded.find((d) => d.path === 'cli/output/predictions.csv');
    expect(predictions).toBeDefined();
    const csv = fs.readFileSync(predictions!.local, 'utf8').trim().split('\n');
    expect(csv[0]).toMatch(/^file,row,/);
    expect(csv).toHaveLength(1 + 2 * ROWS_PER_FILE);
    expect(expectExit(await sibyl(['download', 'workspaceblobstore:cli/nothing-here/', into]), 1).stderr).toMatch(
      /^sibyl: error BlobNotFound/m,
    );
  });

  it('exits 3 when a job fails, naming the error code', async () => {
    const result = await exits(
      3,
      'batch run --model stars-jobs:1 --input workspaceblobstore:cli/bad/',
      '--output-path workspaceblobstore:cli/bad-out/ --error-threshold 0 --wait',
    );
    expect(result.stderr).toMatch(/^sibyl: error: batch job \S+ ended Failed: \w+/m);
    expect(result.stdout).toMatch(/status\s+│ Failed/);
  });

  it('cancels a running job; following it then exits 3 (Canceled)', async () => {
    const started = await exits(
      0,
      'batch run --model stars-jobs:1 --input workspaceblobstore:cli/input/',
      '--output-path workspaceblobstore:cli/slow/ --rows 1 --max-concurrency 1 -o json',
    );
    const { id } = started.json<{ id: string }>();
    expect(expectExit(await sibyl(['runs', 'cancel', id, '-o', 'json']), 0).json<Job>().status).toBe('Canceled');
    const followed = expectExit(await sibyl(['batch', 'show', id, '--wait', '-o', 'json']), 3);
    expect(followed.json<Job>().status).toBe('Canceled');
  });

  it('refuses bad batch arguments with exit 2 and unknown targets with exit 1', async () => {
    const base = ['batch', 'run', '--input', 'workspaceblobstore:cli/input/'];
    expect(expectExit(await sibyl([...base, '--model', 'stars-jobs:1']), 2).stderr).toMatch(
      /--output-path DATASTORE:PATH/,
    );
    expect(expectExit(await sibyl([...base, '--output-path', 'workspaceblobstore:x/']), 2).stderr).toMatch(
      /exactly one of --model/,
    );
    expect(
      expectExit(
        await sibyl([
          ...base,
          '--model',
          'stars-jobs:1',
          '--deployment',
          'a/b',
          '--output-path',
          'workspaceblobstore:x/',
        ]),
        2,
      ).stderr,
    ).toMatch(/exactly one of --model/);
    expect(
      (await exits(2, 'batch run --model stars-jobs:1 --input nocolon --output-path workspaceblobstore:x/')).stderr,
    ).toMatch(/not DATASTORE:PATH/);
    expect(
      expectExit(await sibyl([...base, '--model', 'nothing:9', '--output-path', 'workspaceblobstore:x/']), 1).stderr,
    ).toMatch(/^sibyl: error ModelNotFound \(HTTP 404\)/m);
    expect(expectExit(await sibyl(['batch', 'show', 'batch-does-not-exist']), 1).stderr).toMatch(
      /^sibyl: error \w*NotFound \(HTTP 404\)/m,
    );
  });

  it('applies, publishes and runs a pipeline from YAML, waiting for it', async () => {
    const file = path.join(work, 'cli-nightly.yaml');
    fs.writeFileSync(
      file,
      [
        'description: Scores one file, then copies it to the archive.',
        'parameters:',
        '  inputPath: cli/input/day1.csv',
        'steps:',
        '  - name: score',
        '    kind: batch-score',
        '    job:',
        '      deployment: stars-batch/blue',
        '      input: { datastore: workspaceblobstore, path: "${parameters.inputPath}", format: csv }',
        '      output: { datastore: workspaceblobstore, path: cli/scored/ }',
        '  - name: archive',
        '    kind: copy',
        '    from: { datastore: workspaceblobstore, path: "${parameters.inputPath}" }',
        '    to: { datastore: workspaceblobstore, path: cli/archive/ }',
        '',
      ].join('\n'),
    );
    const draft = expectExit(await sibyl(['pipelines', 'apply', file, '-o', 'json']), 0).json<{
      name: string;
      status: string;
      steps: unknown[];
    }>();
    expect(draft).toMatchObject({ name: 'cli-nightly', status: 'Draft' });
    expect(draft.steps).toHaveLength(2);
    const published = expectExit(await sibyl(['pipelines', 'publish', 'cli-nightly', '-o', 'json']), 0).json<{
      name: string;
      version: number;
    }>();
    expect(published).toMatchObject({ name: 'cli-nightly', version: 1 });

    const result = await exits(0, 'pipelines run cli-nightly --param inputPath=cli/input/day2.csv --wait -o json');
    const run = result.json<{ id: string; status: string; parameters: Record<string, unknown>; children: string[] }>();
    expect(run).toMatchObject({ status: 'Completed', parameters: { inputPath: 'cli/input/day2.csv' } });
    expect(run.children).toHaveLength(2);
    const steps = expectExit(await sibyl(['runs', 'show', run.id]), 0);
    expect(steps.stdout).toMatch(/batch-score/);
    expect(steps.stdout).toMatch(/copy/);
    const archived = expectExit(
      await sibyl([
        'download',
        'workspaceblobstore:cli/archive/day2.csv',
        path.join(tempDir('cli-archive'), 'day2.csv'),
        '-o',
        'json',
      ]),
      0,
    );
    expect(archived.json<{ bytes: number }[]>()[0]!.bytes).toBe(fs.statSync(path.join(work, 'input', 'day2.csv')).size);
    const logs = expectExit(await sibyl(['runs', 'logs', run.id]), 0);
    expect(logs.stdout.trim().length).toBeGreaterThan(0);
    const pipelineRuns = expectExit(await sibyl(['runs', 'list', '--kind', 'pipeline', '-o', 'json']), 0).json<
      { id: string; kind: string }[]
    >();
    expect(pipelineRuns.map((r) => r.id)).toContain(run.id);
    expect(pipelineRuns.every((r) => r.kind === 'pipeline')).toBe(true);
    expect(expectExit(await sibyl(['runs', 'cancel', run.id]), 1).stderr).toMatch(
      /^sibyl: error Conflict \(HTTP 409\): .*already ended \(Completed\)/m,
    );
  });

  it('applies, lists, disables, enables and deletes a schedule', async () => {
    const file = path.join(work, 'cli-hourly.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        name: 'cli-hourly',
        pipeline: 'cli-nightly:1',
        enabled: true,
        trigger: { cron: '0 0 * * * *' },
      }),
    );
    expect(expectExit(await sibyl(['schedules', 'apply', file, '-o', 'json']), 0).json()).toMatchObject({
      name: 'cli-hourly',
      pipeline: 'cli-nightly:1',
      enabled: true,
    });
    const listed = expectExit(await sibyl(['schedules', 'list', '-o', 'json']), 0).json<{ name: string }[]>();
    expect(listed.map((s) => s.name)).toContain('cli-hourly');
    expect(expectExit(await sibyl(['schedules', 'disable', 'cli-hourly', '-o', 'json']), 0).json()).toMatchObject({
      enabled: false,
      trigger: { cron: '0 0 * * * *' },
    });
    expect(expectExit(await sibyl(['schedules', 'enable', 'cli-hourly', '-o', 'json']), 0).json()).toMatchObject({
      enabled: true,
    });
    expectExit(await sibyl(['schedules', 'delete', 'cli-hourly']), 0);
    expect(expectExit(await sibyl(['schedules', 'show', 'cli-hourly']), 1).stderr).toMatch(
      /^sibyl: error ScheduleNotFound/m,
    );
  });
});
