/**
 * Batch scoring benchmark (issue 4): a 1,000,000-row CSV of 16 float features in Azurite, scored
 * (a) by a Sibyl batch job on the tiny MLP through the local Functions host (plan → mini-batches in
 *     Durable activities → merge into predictions.csv), and
 * (b) by a hand-written single-process pipeline on the same machine and data: download the blob,
 *     parse the CSV, ONNX Runtime in batches of 1024, write the CSV back. It prints floats the way
 *     the job does (shortest FP32 text), so both write the same bytes and only the plumbing differs.
 * (c) by the simplest hand-written pipeline (issue 17): download, split lines, ONNX Runtime in
 *     batches of 1024, `${float}` text (JavaScript's own number printing), upload.
 * Azurite runs in a child process of its own, shared by all, so no side gets a free core.
 * Prints rows/s for each, the ratios (targets ≥ 0.8× of (b), ≥ 1.5× of (c)) and where the time goes.
 *
 * CLI: `node dist/bench/batchBench.js [--rows N] [--rounds N] [--mini-batch-rows N] [--concurrency N] [--workers N]
 * [--cpu-prof DIR]` (CPU profiles of the host's threads, written when it stops).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import * as ort from 'onnxruntime-node';
import { float32Text } from '../shared/batch/floatText';
import { mlpModel, MLP_SIZES } from '../scripts/onnx/mlpModel';
import { startAzuriteChild } from './azuriteChild';
import { processCpuMs } from './processCpu';
import { REPO_ROOT, startEmulator, type EmulatorHost } from './emulatorHost';
import { hostCall as call } from './hostCall';

export interface BatchBenchOptions {
  rows?: number;
  /** Each side runs this many times, alternating; the fastest run of each is reported (default 2). */
  rounds?: number;
  miniBatchRows?: number;
  maxConcurrency?: number;
  /** The local host's activity worker threads (`SIBYL_ACTIVITY_WORKERS`; default: one per core, at most 4). */
  activityWorkers?: number;
  /** Write CPU profiles of the local host (main and activity worker threads) into this folder. */
  cpuProfDir?: string;
}

export interface BatchBenchResult {
  rows: number;
  inputBytes: number;
  rowsPerSecond: number;
  baselineRowsPerSecond: number;
  /** rowsPerSecond / baselineRowsPerSecond (target ≥ 0.8). */
  ratio: number;
  batchSeconds: number;
  baselineSeconds: number;
  /** Where the batch job's time went (from its run metrics), seconds. */
  batchStages: Record<string, number>;
  /** Where the baseline's time went, seconds. */
  baselineStages: Record<string, number>;
  /** The simplest pipeline (c): rows/s, seconds, stages, and rowsPerSecond / its rows/s (target ≥ 1.5). */
  simpleRowsPerSecond: number;
  simpleSeconds: number;
  simpleStages: Record<string, number>;
  simpleRatio: number;
  miniBatchRows: number;
  maxConcurrency: number;
  activityWorkers: number;
  rounds: number;
}

const CONTAINER = 'workspaceblobstore';
const INPUT = 'bench/batch/input.csv';
const WARM_INPUT = 'bench/batch/warm.csv';
const FEATURES = MLP_SIZES.tiny.inputs;
const say = (line: string) => process.stdout.write(`${line}\n`);

function csvInput(rows: number): Buffer {
  const header = Array.from({ length: FEATURES }, (_, i) => `features_${i}`).join(',');
  const parts: string[] = [header];
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let c = 0; c < FEATURES; c++) line += `${c ? ',' : ''}${((r * 31 + c * 17) % 2000) / 400 - 2.5}`;
    parts.push(line);
  }
  return Buffer.from(`${parts.join('\n')}\n`);
}

/**
 * CPU seconds a side used (its own process, the host for the job, plus Azurite, which serves all):
 * on a loaded machine wall time moves with everyone else's load, CPU time much less.
 */
async function withCpu<T extends { stages: Record<string, number> }>(
  pids: (number | undefined)[],
  run: () => Promise<T>,
): Promise<T> {
  const cpu = () => pids.reduce<number>((sum, pid) => sum + (processCpuMs(pid) ?? 0), 0);
  const before = cpu();
  const result = await run();
  result.stages.cpu = (cpu() - before) / 1000;
  return result;
}

/** What a baseline measured: its total seconds and each stage's. */
interface StageTimes {
  seconds: number;
  stages: Record<string, number>;
}

/** The baselines' first two stages, timed: create the session, then download the input (`read` inside the timing). */
async function loadAndDownload<T>(container: ContainerClient, model: Uint8Array, read: (text: string) => T) {
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(model);
  const t1 = performance.now();
  const input = read((await container.getBlobClient(INPUT).downloadToBuffer()).toString('utf8'));
  return { session, input, t0, t1, t2: performance.now() };
}

/** (b): download, parse, score in batches of 1024, write back — one process, no framework. */
async function baseline(container: ContainerClient, model: Uint8Array): Promise<StageTimes> {
  const { session, input: text, t0, t1, t2 } = await loadAndDownload(container, model, (text) => text);
  const BATCH = 1024;
  const features = new Float32Array(BATCH * FEATURES);
  const out: string[] = ['file,row,scores_0,scores_1,scores_2,scores_3'];
  let parseMs = 0;
  let inferMs = 0;
  let formatMs = 0;
  let n = 0;
  let row = 0;
  const flush = async () => {
    const a = performance.now();
    const result = await session.run({
      features: new ort.Tensor('float32', features.subarray(0, n * FEATURES), [n, FEATURES]),
    });
    const b = performance.now();
    const scores = result.scores!.data as Float32Array;
    const first = row - n + 1;
    for (let i = 0; i < n; i++)
      out.push(
        `${INPUT},${first + i},${float32Text(scores[i * 4]!)},${float32Text(scores[i * 4 + 1]!)},` +
          `${float32Text(scores[i * 4 + 2]!)},${float32Text(scores[i * 4 + 3]!)}`,
      );
    formatMs += performance.now() - b;
    inferMs += b - a;
    n = 0;
  };
  let pos = text.indexOf('\n') + 1;
  let p = performance.now();
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const cells = text.slice(pos, end).split(',');
    for (let c = 0; c < FEATURES; c++) features[n * FEATURES + c] = Number(cells[c]);
    n++;
    row++;
    pos = end + 1;
    if (n === BATCH) {
      parseMs += performance.now() - p;
      await flush();
      p = performance.now();
    }
  }
  parseMs += performance.now() - p;
  if (n) await flush();
  const t3 = performance.now();
  const body = Buffer.from(`${out.join('\n')}\n`);
  await container.getBlockBlobClient('bench/batch/baseline/predictions.csv').uploadData(body);
  const t4 = performance.now();
  await session.release();
  const s = (ms: number) => ms / 1000;
  return {
    seconds: s(t4 - t0),
    stages: {
      loadModel: s(t1 - t0),
      download: s(t2 - t1),
      parse: s(parseMs),
      infer: s(inferMs),
      format: s(formatMs + (t3 - t2 - parseMs - inferMs - formatMs)),
      upload: s(t4 - t3),
    },
  };
}

/** (c): the simplest pipeline — split lines and cells, `${float}` text, one upload. */
async function simpleBaseline(container: ContainerClient, model: Uint8Array): Promise<StageTimes> {
  const { session, input: lines, t0, t1, t2 } = await loadAndDownload(container, model, (text) => text.split('\n'));
  if (lines[lines.length - 1] === '') lines.pop();
  const BATCH = 1024;
  const out: string[] = ['file,row,scores_0,scores_1,scores_2,scores_3'];
  for (let first = 1; first < lines.length; first += BATCH) {
    const count = Math.min(BATCH, lines.length - first);
    const features = new Float32Array(count * FEATURES);
    for (let i = 0; i < count; i++) {
      const cells = lines[first + i]!.split(',');
      for (let c = 0; c < FEATURES; c++) features[i * FEATURES + c] = Number(cells[c]);
    }
    const scores = (await session.run({ features: new ort.Tensor('float32', features, [count, FEATURES]) })).scores!
      .data as Float32Array;
    for (let i = 0; i < count; i++)
      out.push(`${INPUT},${first + i},${scores[i * 4]},${scores[i * 4 + 1]},${scores[i * 4 + 2]},${scores[i * 4 + 3]}`);
  }
  const t3 = performance.now();
  await container
    .getBlockBlobClient('bench/batch/simple/predictions.csv')
    .uploadData(Buffer.from(`${out.join('\n')}\n`));
  const t4 = performance.now();
  await session.release();
  const s = (ms: number) => ms / 1000;
  return {
    seconds: s(t4 - t0),
    stages: { loadModel: s(t1 - t0), download: s(t2 - t1), parseScoreFormat: s(t3 - t2), upload: s(t4 - t3) },
  };
}

interface JobView {
  status: string;
  progress: { rowsScored: number; rowsFailed: number; totalMiniBatches: number };
  error?: { message: string };
}

/** (a): the batch job through the host, from POST to Completed as the client sees it. */
async function batchJob(
  host: EmulatorHost,
  model: string,
  rows: number,
  miniBatchRows: number,
  maxConcurrency: number,
  input = INPUT,
): Promise<{ seconds: number; stages: Record<string, number> }> {
  const start = performance.now();
  const submitted = await call<{ id: string }>(host, 'POST', 'api/batch/jobs', {
    model,
    input: { datastore: CONTAINER, path: input, format: 'csv' },
    output: { datastore: CONTAINER, path: 'bench/batch/sibyl' },
    miniBatchSize: { rows: miniBatchRows },
    maxConcurrency,
    retry: { maxRetries: 1, timeoutSeconds: 600 },
  });
  if (submitted.status !== 202)
    throw new Error(`submit answered ${submitted.status}: ${JSON.stringify(submitted.body)}`);
  let job: JobView;
  for (;;) {
    job = (await call<JobView>(host, 'GET', `api/batch/jobs/${submitted.body.id}`)).body;
    if (['Completed', 'Failed', 'Canceled'].includes(job.status)) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const seconds = (performance.now() - start) / 1000;
  if (job.status !== 'Completed' || job.progress.rowsScored !== rows)
    throw new Error(
      `the batch job ended ${job.status} with ${job.progress.rowsScored} rows: ${job.error?.message ?? ''}`,
    );
  const run = (await call<{ metrics: Record<string, number> }>(host, 'GET', `api/runs/${submitted.body.id}`)).body;
  const m = run.metrics;
  const stages: Record<string, number> = {
    plan: m.planSeconds ?? 0,
    score: m.scoreSeconds ?? 0,
    merge: m.mergeSeconds ?? 0,
  };
  stages.submitAndFinish = Math.max(0, seconds - stages.plan! - stages.score! - stages.merge!);
  // Processes' CPU seconds, added by the caller (see withCpu).
  return { seconds, stages };
}

export async function runBatchBench(options: BatchBenchOptions = {}): Promise<BatchBenchResult> {
  const rows = options.rows ?? 1_000_000;
  const miniBatchRows = options.miniBatchRows ?? 50_000;
  const maxConcurrency = options.maxConcurrency ?? 2;
  const rounds = Math.max(1, options.rounds ?? 2);
  const activityWorkers = options.activityWorkers ?? Math.min(4, os.availableParallelism());
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sibyl-batch-bench-'));
  const model = mlpModel({ ...MLP_SIZES.tiny, seed: 7 });
  const azurite = await startAzuriteChild();
  let host: EmulatorHost | undefined;
  try {
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(CONTAINER);
    await container.createIfNotExists();
    const input = csvInput(rows);
    await container.getBlockBlobClient(INPUT).uploadData(input);
    say(
      `batch bench: ${rows} rows × ${FEATURES} features, ${(input.length / 1e6).toFixed(1)} MB of CSV in Azurite (scratch ${workDir})`,
    );
    host = await startEmulator({
      appDir: REPO_ROOT,
      workDir,
      label: 'batch',
      ...(options.cpuProfDir ? { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] } : {}),
      env: { AzureWebJobsStorage: azurite.connectionString, SIBYL_ACTIVITY_WORKERS: String(activityWorkers) },
    });
    const registered = await call<{ version: number }>(host, 'POST', 'api/models/bench-mlp/versions', model);
    if (registered.status !== 201) throw new Error(`model registration answered ${registered.status}`);
    // A warm host, as a deployed app is: the activity workers have loaded the app and the model.
    await container.getBlockBlobClient(WARM_INPUT).uploadData(csvInput(2_000));
    await batchJob(host, `bench-mlp:${registered.body.version}`, 2_000, 1_000, maxConcurrency, WARM_INPUT);
    // Alternating rounds, fastest of each side: on a shared machine other load only slows a run down.
    type Timed = { seconds: number; stages: Record<string, number> };
    const fastest = (a: Timed | undefined, b: Timed) => (a && a.seconds <= b.seconds ? a : b);
    let base: Timed | undefined;
    let simple: Timed | undefined;
    let batch: Timed | undefined;
    for (let round = 1; round <= rounds; round++) {
      const self = [process.pid, azurite.child.pid];
      const b = await withCpu(self, () => baseline(container, model));
      const c = await withCpu(self, () => simpleBaseline(container, model));
      const j = await withCpu([host.child.pid, azurite.child.pid], () =>
        batchJob(host!, `bench-mlp:${registered.body.version}`, rows, miniBatchRows, maxConcurrency),
      );
      say(
        `  round ${round}: Sibyl batch job ${(rows / j.seconds).toFixed(0)} ` +
          `rows/s, hand-written ${(rows / b.seconds).toFixed(0)} rows/s,` +
          ` simplest ${(rows / c.seconds).toFixed(0)} rows/s`,
      );
      base = fastest(base, b);
      simple = fastest(simple, c);
      batch = fastest(batch, j);
    }
    if (!base || !simple || !batch) throw new Error('no batch bench round ran');
    const result: BatchBenchResult = {
      rows,
      inputBytes: input.length,
      rowsPerSecond: rows / batch.seconds,
      baselineRowsPerSecond: rows / base.seconds,
      ratio: base.seconds / batch.seconds,
      batchSeconds: batch.seconds,
      baselineSeconds: base.seconds,
      batchStages: batch.stages,
      baselineStages: base.stages,
      simpleRowsPerSecond: rows / simple.seconds,
      simpleSeconds: simple.seconds,
      simpleStages: simple.stages,
      simpleRatio: simple.seconds / batch.seconds,
      miniBatchRows,
      maxConcurrency,
      activityWorkers,
      rounds,
    };
    return result;
  } finally {
    await host?.stop();
    azurite.stop();
  }
}

const fmt = (stages: Record<string, number>) =>
  Object.entries(stages)
    .map(([k, v]) => `${k} ${v.toFixed(2)}s`)
    .join(', ');

/** The lines `npm run bench` prints for the batch case. */
export function renderBatchBench(r: BatchBenchResult): string[] {
  return [
    `batch scoring, ${r.rows} rows (tiny MLP, ${(r.inputBytes / 1e6).toFixed(0)} ` +
      `MB CSV, mini-batches of ${r.miniBatchRows} rows, ${r.maxConcurrency} ` +
      `at once on ${r.activityWorkers} activity worker threads; fastest ` +
      `of ${r.rounds} alternating runs each):`,
    `  Sibyl batch job      ${Math.round(r.rowsPerSecond).toLocaleString('en-US')} ` +
      `rows/s (${r.batchSeconds.toFixed(2)} s: ${fmt(r.batchStages)})`,
    `  hand-written baseline ${Math.round(r.baselineRowsPerSecond).toLocaleString('en-US')} ` +
      `rows/s (${r.baselineSeconds.toFixed(2)} s: ${fmt(r.baselineStages)})`,
    `  simplest pipeline    ${Math.round(r.simpleRowsPerSecond).toLocaleString('en-US')} ` +
      `rows/s (${r.simpleSeconds.toFixed(2)} s: ${fmt(r.simpleStages)})`,
    `  ratio to hand-written ${r.ratio.toFixed(2)}× (target ≥ 0.8×) ${r.ratio >= 0.8 ? 'PASS' : 'BELOW TARGET'}`,
    `  ratio to simplest     ${r.simpleRatio.toFixed(2)}× (target ≥ 1.5×) ${r.simpleRatio >= 1.5 ? 'PASS' : 'BELOW TARGET'}`,
  ];
}

function argument(name: string): number | undefined {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : undefined;
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : undefined;
}

if (require.main === module) {
  runBatchBench({
    rows: argument('rows'),
    rounds: argument('rounds'),
    miniBatchRows: argument('mini-batch-rows'),
    maxConcurrency: argument('concurrency'),
    activityWorkers: argument('workers'),
    ...(process.argv.includes('--cpu-prof')
      ? { cpuProfDir: process.argv[process.argv.indexOf('--cpu-prof') + 1] }
      : {}),
  })
    .then((result) => {
      for (const line of renderBatchBench(result)) say(line);
    })
    .catch((error: unknown) => {
      process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    });
}
