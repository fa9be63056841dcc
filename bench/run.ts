/**
 * `npm run bench`: Sibyl's serving benchmark (issue 3). On this machine, in one run, with autocannon
 * (64 connections, batch-1 requests) it measures, for the tiny, medium and heavy MLPs:
 *   (a) Sibyl's score route through the local Functions host (the repository's app),
 *   (b) a no-op route through the same host (test/fixtures/benchApp): the floor of any Functions app,
 *   (c) a plain node:http + onnxruntime-node server, one session.run per request,
 *   (d) a node:http server answering fixed JSON: the ceiling of Node HTTP here,
 *   (e) Sibyl's scoring container (scorer/, Open Inference Protocol) on CPU;
 *   (f) (a) with data collection on (every request collected), measured in the same rounds as (a), and
 *       both again at a fixed moderate rate, alternating, for their latency (collectionBench.ts);
 *   (g) a node:http server handing each request straight to the @azure/functions library and the no-op app:
 *       the library's floor, so that (b) − (g) in server CPU per request is the local host's own cost;
 * each server a child process of its own. Then the batch case (batchBench.ts): a 400,000-row CSV
 * scored by a batch job against a hand-written single-process pipeline and the simplest one; the overload case
 * (overloadBench.ts): goodput under 256 connections against the capacity measured at 16; the start case
 * (startBench.ts): `npm start` to ready with no source change; the replicas case
 * (replicaBench.ts): a `container` deployment of the heavy model on 1, 2 and 4 replicas; and the OIP binary
 * tensor extension against JSON for a 1×3×224×224 FP32 input (binaryBench.ts). Prints the table and the
 * target ratios, and writes
 * bench/results/latest.json and latest.md.
 *
 * Options: see benchOptions.ts. Each group of cases has its module: the load cases' servers (loadServers.ts)
 * and rounds (loadRounds.ts), the cases on their Sibyl host (sibylHostCases.ts), and those that start
 * their own processes (standaloneCases.ts); the report is benchReport.ts's.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { say, stopChildren, type BenchContext, type RunningChildren } from './benchContext';
import { readBenchOptions } from './benchOptions';
import { benchModel, type ModelSize } from './benchModels';
import { loadAverage, machineInfo } from './benchMachine';
import { computeRatios } from './benchRatios';
import { renderMarkdown, renderText, type BenchReport } from './benchReport';
import { REPO_ROOT } from './emulatorHost';
import {
  caseResults,
  checkAnswers,
  measureLoadRounds,
  settledCollectionCounts,
  SMALL_BODY_MODEL,
  type LoadRoundsResult,
} from './loadRounds';
import { startLoadServers } from './loadServers';
import { runBinaryCase, runOverloadCase } from './sibylHostCases';
import { runBatchCase, runReplicaCase, runStartCase } from './standaloneCases';

async function main(): Promise<void> {
  const options = readBenchOptions();
  const machine = machineInfo();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sibyl-bench-'));
  const profDir = path.join(workDir, 'profiles');
  const modelSizes = [...new Set<ModelSize>([...options.models, SMALL_BODY_MODEL])];
  const ctx: BenchContext = {
    options,
    batching: { maxBatchSize: 64, maxQueueDelayMs: options.queueDelayMs },
    workDir,
    hostFlags: options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [],
    models: new Map(modelSizes.map((m) => [m, benchModel(m, workDir)])),
    want: (c) => options.cases.includes(c),
  };
  const { want } = ctx;
  const running: RunningChildren = { children: [] };
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void stopChildren(running).then(() => process.exit(130)));
  say(`Sibyl benchmark — scratch folder ${workDir}`);

  let load: LoadRoundsResult;
  let collectionCounts: BenchReport['collectionCounts'];
  let binary: BenchReport['binary'];
  let overload: BenchReport['overload'];
  try {
    const servers = await startLoadServers(ctx, running);
    await checkAnswers(ctx, servers);
    load = await measureLoadRounds(ctx, servers);
    collectionCounts = await settledCollectionCounts(servers);
    if (want('binary') && servers.sibylHost) binary = await runBinaryCase(servers.sibylHost);
    if (want('overload') && servers.sibylHost) overload = await runOverloadCase(ctx, servers.sibylHost);
  } finally {
    await stopChildren(running);
  }
  const batch = want('batch') ? await runBatchCase(ctx) : undefined;
  const start = want('start') ? await runStartCase(ctx) : undefined;
  const replicas = want('replicas') ? await runReplicaCase(ctx) : undefined;

  const cases = caseResults(ctx, load.rounds);
  const { collectionLatency } = load;
  const report: BenchReport = {
    date: new Date().toISOString(),
    machine,
    loadAverageAfter: loadAverage(),
    settings: {
      connections: options.connections,
      warmupSeconds: options.warmupSeconds,
      durationSeconds: options.durationSeconds,
      rounds: options.rounds,
      batching: ctx.batching,
    },
    cases,
    ratios: computeRatios(cases, options.models),
    ...(batch ? { batch } : {}),
    ...(replicas ? { replicas } : {}),
    ...(binary ? { binary } : {}),
    ...(collectionLatency.length ? { collectionLatency, collectionCounts } : {}),
    ...(overload ? { overload } : {}),
    ...(start ? { start } : {}),
  };
  say('');
  say(renderText(report));
  const outDir = path.join(REPO_ROOT, 'bench', 'results');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, 'latest.md'), `${renderMarkdown(report)}\n`);
  say('');
  say(
    `Wrote bench/results/latest.json and latest.md (README snippet). Host logs${options.cpuProf ? ' and CPU profiles' : ''}: ${workDir}`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`Benchmark failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
