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
 * Options: see benchOptions.ts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startAzuriteChild, type AzuriteChild } from './azuriteChild';
import { runBatchBench, type BatchBenchResult } from './batchBench';
import { readBenchOptions } from './benchOptions';
import { benchModel, MODEL_SIZES, type BenchModel, type ModelSize } from './benchModels';
import {
  bestRound,
  CASE_IDS,
  CASE_NAMES,
  computeRatios,
  loadAverage,
  machineInfo,
  renderMarkdown,
  renderText,
  type BenchReport,
  type CaseId,
  type CaseResult,
} from './benchReport';
import type { ChildHandle } from './childProcess';
import { startChildServer } from './childServer';
import { batchTotals, collectionTotals, deployModel, type DeployedModel } from './deployModel';
import { runBinaryBench, renderBinaryBench, type BinaryBenchResult } from './binaryBench';
import { measureCollectionLatency, renderCollectionLatency, type CollectionLatencyRound } from './collectionBench';
import { REPO_ROOT, startEmulator, type EmulatorHost } from './emulatorHost';
import { checkOnce, measureLoad, type LoadResult, type LoadSpec } from './measureLoad';
import { runOverloadBench, renderOverloadBench, type OverloadBenchResult } from './overloadBench';
import { runReplicaBench, type ReplicaBenchResult } from './replicaBench';
import { startScorer, type ScorerHost } from './scorerHost';
import { renderStartBench, runStartBench, type StartBenchResult } from './startBench';

const NOOP_APP = path.join(REPO_ROOT, 'test', 'fixtures', 'benchApp');
/** What (b) and (d) are sent: the tiny model's request, so every case reads the same small body. */
const SMALL_BODY_MODEL: ModelSize = 'tiny';
/** The overload case's model: big enough that its capacity is the model's, not HTTP's. */
const OVERLOAD_MODEL: ModelSize = 'medium';

const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const options = readBenchOptions();
  const batching = { maxBatchSize: 64, maxQueueDelayMs: options.queueDelayMs };
  const machine = machineInfo();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sibyl-bench-'));
  const profDir = path.join(workDir, 'profiles');
  const hostFlags = options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
  const children: ChildHandle[] = [];
  let azurite: AzuriteChild | undefined;
  const stopAll = async () => {
    await Promise.all(children.splice(0).map((c) => c.stop()));
    azurite?.stop();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void stopAll().then(() => process.exit(130)));
  say(`Sibyl benchmark — scratch folder ${workDir}`);

  const want = (c: CaseId) => options.cases.includes(c);
  const modelSizes = [...new Set<ModelSize>([...options.models, SMALL_BODY_MODEL])];
  const models = new Map<ModelSize, BenchModel>(modelSizes.map((m) => [m, benchModel(m, workDir)]));
  const smallBody = models.get(SMALL_BODY_MODEL)!.body;
  const spec = (server: ChildHandle, url: string, body: string, headers?: Record<string, string>): LoadSpec => ({
    serverPid: server.child.pid,
    url,
    body,
    headers,
    connections: options.connections,
    warmupSeconds: options.warmupSeconds,
    durationSeconds: options.durationSeconds,
  });
  const rounds = new Map<string, { caseId: CaseId; model?: ModelSize; results: LoadResult[] }>();
  let binaryResult: BinaryBenchResult | undefined;
  const collectionLatency: CollectionLatencyRound[] = [];
  const collectionCounts: Partial<Record<ModelSize, { collected: number; dropped: number }>> = {};
  /** Per model, the fixed rate of the latency comparison: set from (a)'s throughput in the first round. */
  const collectionRates = new Map<ModelSize, number>();
  let overload: OverloadBenchResult | undefined;
  const record = (caseId: CaseId, model: ModelSize | undefined, result: LoadResult) => {
    const key = `${caseId}/${model ?? ''}`;
    const entry = rounds.get(key) ?? { caseId, model, results: [] };
    entry.results.push(result);
    rounds.set(key, entry);
    const failed = result.non2xx + result.errors;
    const cpu =
      result.serverCpuUsPerRequest !== undefined
        ? `, server CPU ${Math.round(result.serverCpuUsPerRequest)} µs/request (${result.serverCores!.toFixed(2)} cores)`
        : '';
    const batch = result.meanBatchSize !== undefined ? `, mean batch ${result.meanBatchSize.toFixed(1)} rows` : '';
    say(
      `  ${CASE_NAMES[caseId]}${model ? ` [${model}]` : ''}: ${Math.round(result.requestsPerSecond)} ` +
        `req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms${cpu}${batch}${failed ? `, ${failed} FAILED` : ''}`,
    );
  };

  try {
    const fixed = want('fixed') ? await startChildServer('fixedJsonServer', [], workDir) : undefined;
    if (fixed) children.push(fixed);
    const noopHost = want('noop')
      ? await startEmulator({ appDir: NOOP_APP, workDir, label: 'noop', nodeFlags: hostFlags })
      : undefined;
    if (noopHost) children.push(noopHost);
    const floor = want('floor')
      ? await startChildServer('libraryFloorServer', [NOOP_APP], workDir, hostFlags)
      : undefined;
    if (floor) children.push(floor);
    const deployed = new Map<ModelSize, DeployedModel>();
    const collecting = new Map<ModelSize, DeployedModel>();
    let sibylHost: EmulatorHost | undefined;
    if (want('sibyl') || want('collect') || want('binary') || want('overload')) {
      say('Starting Sibyl on the local host and deploying the models…');
      // With collection measured, storage runs in a process of its own, as the storage service does in Azure.
      if (want('collect')) azurite = await startAzuriteChild();
      const storage = azurite ? { AzureWebJobsStorage: azurite.connectionString } : undefined;
      const sibyl = await startEmulator({
        appDir: REPO_ROOT,
        workDir,
        label: 'sibyl',
        nodeFlags: hostFlags,
        ...(storage ? { env: storage } : {}),
      });
      sibylHost = sibyl;
      children.push(sibyl);
      for (const size of want('sibyl') || want('collect') ? options.models : []) {
        deployed.set(size, await deployModel(sibyl, `bench-${size}`, models.get(size)!.bytes, batching));
        if (want('collect'))
          collecting.set(
            size,
            await deployModel(sibyl, `bench-${size}-col`, models.get(size)!.bytes, batching, {
              dataCollection: { enabled: true, samplingRate: 1 },
            }),
          );
      }
    }
    const scorers = new Map<ModelSize, ScorerHost>();
    if (want('scorer')) {
      say('Starting the scorer container on CPU, one per model…');
      azurite ??= await startAzuriteChild();
      for (const size of options.models) {
        const scorer = await startScorer(azurite, models.get(size)!, {
          workDir,
          maxQueueDelayMs: options.queueDelayMs,
          nodeFlags: hostFlags,
        });
        scorers.set(size, scorer);
        children.push(scorer);
      }
    }
    const scorerSpec = (size: ModelSize): LoadSpec => {
      const scorer = scorers.get(size)!;
      return spec(scorer, scorer.inferUrl, models.get(size)!.oipBody, { authorization: `Bearer ${scorer.key}` });
    };
    const sibylSpec = (size: ModelSize, collect = false): LoadSpec => {
      const d = (collect ? collecting : deployed).get(size)!;
      let start = { requests: 0, batches: 0 };
      return {
        ...spec(d.host, d.scoreUrl, models.get(size)!.body, { authorization: `Bearer ${d.primaryKey}` }),
        around: {
          before: async () => {
            start = await batchTotals(d);
          },
          after: async (result) => {
            const end = await batchTotals(d);
            const batches = end.batches - start.batches;
            return batches > 0 ? { ...result, meanBatchSize: (end.requests - start.requests) / batches } : result;
          },
        },
      };
    };
    // One answer from each model server, compared, so the load below measures correct work.
    for (const size of options.models) {
      if (!want('plain') || (!want('sibyl') && !want('scorer'))) break;
      const plain = await startChildServer('plainOrtServer', [models.get(size)!.file], workDir);
      try {
        const c = ((await checkOnce(spec(plain, plain.baseUrl, models.get(size)!.body))) as number[][]).flat();
        const agree = (who: string, values: number[]) => {
          const diff = Math.max(...values.map((v, i) => Math.abs(v - (c[i] ?? NaN))));
          if (!(diff < 1e-3) || values.length !== c.length)
            throw new Error(
              `${who} and the plain server disagree on ${size}: ${JSON.stringify(values)} vs ${JSON.stringify(c)}`,
            );
        };
        if (want('sibyl')) agree('Sibyl', ((await checkOnce(sibylSpec(size))) as number[][]).flat());
        if (want('scorer'))
          agree(
            'The scorer',
            ((await checkOnce(scorerSpec(size))) as { outputs: { data: number[] }[] }).outputs[0]!.data,
          );
      } finally {
        await plain.stop();
      }
    }

    for (let round = 1; round <= options.rounds; round++) {
      say(`Round ${round} of ${options.rounds}:`);
      if (fixed) record('fixed', undefined, await measureLoad(spec(fixed, fixed.baseUrl, smallBody)));
      if (noopHost) {
        const noop = spec(noopHost, `${noopHost.baseUrl}/api/noop`, smallBody);
        await checkOnce(noop);
        record('noop', undefined, await measureLoad(noop));
      }
      if (floor) {
        const floorSpec = spec(floor, floor.baseUrl, smallBody);
        await checkOnce(floorSpec);
        record('floor', undefined, await measureLoad(floorSpec));
      }
      for (const size of options.models) {
        if (want('sibyl')) record('sibyl', size, await measureLoad(sibylSpec(size)));
        if (want('collect')) record('collect', size, await measureLoad(sibylSpec(size, true)));
        if (want('collect') && want('sibyl')) {
          const saturated = rounds.get(`sibyl/${size}`)!.results[0]!.requestsPerSecond;
          const rate = collectionRates.get(size) ?? Math.max(10, Math.round(saturated * options.collectLoad));
          collectionRates.set(size, rate);
          const target = (d: DeployedModel) => ({
            url: d.scoreUrl,
            body: models.get(size)!.body,
            headers: { authorization: `Bearer ${d.primaryKey}` },
          });
          const measured = await measureCollectionLatency(
            size,
            rate,
            target(deployed.get(size)!),
            target(collecting.get(size)!),
            options.durationSeconds * 2,
          );
          collectionLatency.push(measured);
          say(renderCollectionLatency([measured])[1]!);
        }
        if (want('scorer')) record('scorer', size, await measureLoad(scorerSpec(size)));
        if (want('plain')) {
          const plain = await startChildServer('plainOrtServer', [models.get(size)!.file], workDir);
          try {
            record('plain', size, await measureLoad(spec(plain, plain.baseUrl, models.get(size)!.body)));
          } finally {
            await plain.stop();
          }
        }
      }
    }
    // What the collecting deployments wrote and dropped over the whole run, once their metrics settle.
    for (const [size, d] of collecting) {
      let last = { collected: -1, dropped: -1 };
      for (let tries = 0; tries < 20; tries++) {
        const now = await collectionTotals(d);
        if (now.collected === last.collected && now.dropped === last.dropped && now.collected > 0) break;
        last = now;
        await new Promise((resolve) => setTimeout(resolve, 3000));
      }
      collectionCounts[size] = last;
      say(`  ${size}: the collecting deployment wrote ${last.collected} lines and dropped ${last.dropped}`);
    }
    if (want('binary') && sibylHost) {
      say('OIP binary tensor extension: a 1×3×224×224 FP32 input as JSON and as binary…');
      binaryResult = await runBinaryBench(sibylHost, 40);
      say(renderBinaryBench(binaryResult).join('\n'));
    }
    if (want('overload') && sibylHost) {
      say('Goodput under overload: 256 connections against a deployment whose capacity is measured at 16…');
      const { warmupSeconds, durationSeconds } = options;
      overload = await runOverloadBench(
        sibylHost,
        models.get(OVERLOAD_MODEL) ?? benchModel(OVERLOAD_MODEL, workDir),
        {
          warmupSeconds,
          durationSeconds,
        },
        batching,
      );
      say(renderOverloadBench(overload).join('\n'));
    }
  } finally {
    await stopAll();
  }
  let batch: BatchBenchResult | undefined;
  if (want('batch')) {
    say(
      `Batch scoring: ${options.batchRows.toLocaleString('en-US')} CSV rows, a Sibyl batch job against a hand-written pipeline…`,
    );
    batch = await runBatchBench({ rows: options.batchRows, rounds: options.rounds });
  }

  let start: StartBenchResult | undefined;
  if (want('start')) {
    say('npm start to ready with no source change…');
    start = await runStartBench(workDir);
    say(renderStartBench(start).join('\n'));
  }

  let replicas: ReplicaBenchResult | undefined;
  if (want('replicas')) {
    say('Replicas: a container deployment of the heavy model on 1, 2 and 4 replicas…');
    const heavy = models.get('heavy') ?? benchModel('heavy', workDir);
    const { connections, warmupSeconds, durationSeconds } = options;
    replicas = await runReplicaBench(
      { workDir, model: heavy, connections, warmupSeconds, durationSeconds, batching },
      say,
    );
  }

  const order = (c: CaseResult) => CASE_IDS.indexOf(c.caseId) + 10 * (c.model ? MODEL_SIZES.indexOf(c.model) + 1 : 0);
  const cases: CaseResult[] = [...rounds.values()]
    .map((r) => ({
      caseId: r.caseId,
      model: r.model,
      modelShape: r.model ? models.get(r.model)!.shape : undefined,
      result: bestRound(r.results),
      rounds: r.results,
    }))
    .sort((x, y) => order(x) - order(y));
  const report: BenchReport = {
    date: new Date().toISOString(),
    machine,
    loadAverageAfter: loadAverage(),
    settings: {
      connections: options.connections,
      warmupSeconds: options.warmupSeconds,
      durationSeconds: options.durationSeconds,
      rounds: options.rounds,
      batching,
    },
    cases,
    ratios: computeRatios(cases, options.models),
    ...(batch ? { batch } : {}),
    ...(replicas ? { replicas } : {}),
    ...(binaryResult ? { binary: binaryResult } : {}),
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
