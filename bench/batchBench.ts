/**
 * Batch scoring benchmark (issue 4): a 1,000,000-row CSV of 16 float features in Azurite (batchBenchInput.ts),
 * scored, alternating, by
 * (a) a Sibyl batch job on the tiny MLP through the local Functions host (batchJobPipeline.ts),
 * (b) a hand-written single-process pipeline on the same machine and data (handWrittenPipeline.ts), and
 * (c) the simplest hand-written pipeline of issue 17 (simplestPipeline.ts).
 * Azurite runs in a child process of its own, shared by all, so no side gets a free core.
 * Prints rows/s for each, the ratios (targets ≥ 0.8× of (b), ≥ 1.5× of (c)) and where the time goes
 * (batchBenchReport.ts).
 *
 * CLI: `node dist/bench/batchBench.js [--rows N] [--rounds N] [--mini-batch-rows N] [--concurrency N] [--workers N]
 * [--cpu-prof DIR]` (CPU profiles of the host's threads, written when it stops).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { mlpModel, MLP_SIZES } from '../scripts/onnx/mlpModel';
import { startAzuriteChild } from './azuriteChild';
import { say } from './benchContext';
import { CONTAINER, csvInput, FEATURES, INPUT, WARM_INPUT, type StageTimes } from './batchBenchInput';
import { renderBatchBench, type BatchBenchResult } from './batchBenchReport';
import { runBatchJob } from './batchJobPipeline';
import { REPO_ROOT, startEmulator, type EmulatorHost } from './emulatorHost';
import { handWrittenPipeline } from './handWrittenPipeline';
import { hostCall as call } from './hostCall';
import { processCpuMs } from './processCpu';
import { simplestPipeline } from './simplestPipeline';

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

/**
 * CPU seconds a side used (its own process, the host for the job, plus Azurite, which serves all):
 * on a loaded machine wall time moves with everyone else's load, CPU time much less.
 */
async function withCpu(pids: (number | undefined)[], run: () => Promise<StageTimes>): Promise<StageTimes> {
  const cpu = () => pids.reduce<number>((sum, pid) => sum + (processCpuMs(pid) ?? 0), 0);
  const before = cpu();
  const result = await run();
  result.stages.cpu = (cpu() - before) / 1000;
  return result;
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
    await runBatchJob(host, `bench-mlp:${registered.body.version}`, 2_000, 1_000, maxConcurrency, WARM_INPUT);
    // Alternating rounds, fastest of each side: on a shared machine other load only slows a run down.
    const fastest = (a: StageTimes | undefined, b: StageTimes) => (a && a.seconds <= b.seconds ? a : b);
    let base: StageTimes | undefined;
    let simple: StageTimes | undefined;
    let batch: StageTimes | undefined;
    for (let round = 1; round <= rounds; round++) {
      const self = [process.pid, azurite.child.pid];
      const b = await withCpu(self, () => handWrittenPipeline(container, model));
      const c = await withCpu(self, () => simplestPipeline(container, model));
      const j = await withCpu([host.child.pid, azurite.child.pid], () =>
        runBatchJob(host!, `bench-mlp:${registered.body.version}`, rows, miniBatchRows, maxConcurrency),
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
      job: { rowsPerSecond: rows / batch.seconds, ...batch },
      handWritten: { rowsPerSecond: rows / base.seconds, ...base, jobRatio: base.seconds / batch.seconds },
      simplest: { rowsPerSecond: rows / simple.seconds, ...simple, jobRatio: simple.seconds / batch.seconds },
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
