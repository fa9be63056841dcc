/**
 * The load cases' measurements: first one answer from each model server, compared with the plain
 * server's, so that the load measures correct work; then `--rounds` rounds of every wanted case, each
 * printed as it ends (with (a) against (f) at a fixed rate for their latency, collectionBench.ts); then what
 * the collecting deployments wrote and dropped; and the rounds as the report's table rows, best round each.
 */
import { say, type BenchContext } from './benchContext';
import { MODEL_SIZES, type ModelSize } from './benchModels';
import { bestRound, CASE_IDS, CASE_NAMES, type CaseId, type CaseResult } from './benchCases';
import { startChildServer } from './childServer';
import { measureCollectionLatency, renderCollectionLatency, type CollectionLatencyRound } from './collectionBench';
import { collectionTotals, type DeployedModel } from './deployModel';
import { loadSpec, scorerSpec, sibylSpec, type LoadServers } from './loadServers';
import { checkOnce, measureLoad, type LoadResult } from './measureLoad';

/** What (b), (d) and (g) are sent: the tiny model's request, so every case reads the same small body. */
export const SMALL_BODY_MODEL: ModelSize = 'tiny';

/** Every round of each case and model, keyed `caseId/model`. */
export type LoadRounds = Map<string, { caseId: CaseId; model?: ModelSize; results: LoadResult[] }>;

export interface LoadRoundsResult {
  rounds: LoadRounds;
  collectionLatency: CollectionLatencyRound[];
}

/** One answer from each model server against the plain server's, per model; throws where they disagree. */
export async function checkAnswers(ctx: BenchContext, servers: LoadServers): Promise<void> {
  const { want, models, workDir } = ctx;
  for (const size of ctx.options.models) {
    if (!want('plain') || (!want('sibyl') && !want('scorer'))) break;
    const plain = await startChildServer('plainOrtServer', [models.get(size)!.file], workDir);
    try {
      const c = ((await checkOnce(loadSpec(ctx, plain, plain.baseUrl, models.get(size)!.body))) as number[][]).flat();
      const agree = (who: string, values: number[]) => {
        const diff = Math.max(...values.map((v, i) => Math.abs(v - (c[i] ?? NaN))));
        if (!(diff < 1e-3) || values.length !== c.length)
          throw new Error(
            `${who} and the plain server disagree on ${size}: ${JSON.stringify(values)} vs ${JSON.stringify(c)}`,
          );
      };
      if (want('sibyl')) agree('Sibyl', ((await checkOnce(sibylSpec(ctx, servers, size))) as number[][]).flat());
      if (want('scorer'))
        agree(
          'The scorer',
          ((await checkOnce(scorerSpec(ctx, servers, size))) as { outputs: { data: number[] }[] }).outputs[0]!.data,
        );
    } finally {
      await plain.stop();
    }
  }
}

export async function measureLoadRounds(ctx: BenchContext, servers: LoadServers): Promise<LoadRoundsResult> {
  const { want, models, options } = ctx;
  const { fixed, noopHost, floor } = servers;
  const smallBody = models.get(SMALL_BODY_MODEL)!.body;
  const rounds: LoadRounds = new Map();
  const collectionLatency: CollectionLatencyRound[] = [];
  /** Per model, the fixed rate of the latency comparison: set from (a)'s throughput in the first round. */
  const collectionRates = new Map<ModelSize, number>();
  const record = (caseId: CaseId, model: ModelSize | undefined, result: LoadResult) => {
    const key = `${caseId}/${model ?? ''}`;
    const entry = rounds.get(key) ?? { caseId, model, results: [] };
    entry.results.push(result);
    rounds.set(key, entry);
    say(resultLine(caseId, model, result));
  };
  for (let round = 1; round <= options.rounds; round++) {
    say(`Round ${round} of ${options.rounds}:`);
    if (fixed) record('fixed', undefined, await measureLoad(loadSpec(ctx, fixed, fixed.baseUrl, smallBody)));
    if (noopHost) {
      const noop = loadSpec(ctx, noopHost, `${noopHost.baseUrl}/api/noop`, smallBody);
      await checkOnce(noop);
      record('noop', undefined, await measureLoad(noop));
    }
    if (floor) {
      const floorSpec = loadSpec(ctx, floor, floor.baseUrl, smallBody);
      await checkOnce(floorSpec);
      record('floor', undefined, await measureLoad(floorSpec));
    }
    for (const size of options.models) {
      if (want('sibyl')) record('sibyl', size, await measureLoad(sibylSpec(ctx, servers, size)));
      if (want('collect')) record('collect', size, await measureLoad(sibylSpec(ctx, servers, size, true)));
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
          target(servers.deployed.get(size)!),
          target(servers.collecting.get(size)!),
          options.durationSeconds * 2,
        );
        collectionLatency.push(measured);
        say(renderCollectionLatency([measured])[1]!);
      }
      if (want('scorer')) record('scorer', size, await measureLoad(scorerSpec(ctx, servers, size)));
      if (want('plain')) {
        const plain = await startChildServer('plainOrtServer', [models.get(size)!.file], ctx.workDir);
        try {
          record('plain', size, await measureLoad(loadSpec(ctx, plain, plain.baseUrl, models.get(size)!.body)));
        } finally {
          await plain.stop();
        }
      }
    }
  }
  return { rounds, collectionLatency };
}

/** The line printed as each measurement ends. */
function resultLine(caseId: CaseId, model: ModelSize | undefined, result: LoadResult): string {
  const failed = result.non2xx + result.errors;
  const cpu =
    result.serverCpuUsPerRequest !== undefined
      ? `, server CPU ${Math.round(result.serverCpuUsPerRequest)} µs/request (${result.serverCores!.toFixed(2)} cores)`
      : '';
  const batch = result.meanBatchSize !== undefined ? `, mean batch ${result.meanBatchSize.toFixed(1)} rows` : '';
  return (
    `  ${CASE_NAMES[caseId]}${model ? ` [${model}]` : ''}: ${Math.round(result.requestsPerSecond)} ` +
    `req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms${cpu}${batch}${failed ? `, ${failed} FAILED` : ''}`
  );
}

/** What the collecting deployments wrote and dropped over the whole run, once their metrics settle. */
export async function settledCollectionCounts(
  servers: LoadServers,
): Promise<Partial<Record<ModelSize, { collected: number; dropped: number }>>> {
  const counts: Partial<Record<ModelSize, { collected: number; dropped: number }>> = {};
  for (const [size, d] of servers.collecting) {
    let last = { collected: -1, dropped: -1 };
    for (let tries = 0; tries < 20; tries++) {
      const now = await collectionTotals(d);
      if (now.collected === last.collected && now.dropped === last.dropped && now.collected > 0) break;
      last = now;
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
    counts[size] = last;
    say(`  ${size}: the collecting deployment wrote ${last.collected} lines and dropped ${last.dropped}`);
  }
  return counts;
}

/** The table's rows: the best round of each case and model, in case order, models by size within a case. */
export function caseResults(ctx: BenchContext, rounds: LoadRounds): CaseResult[] {
  const order = (c: CaseResult) => CASE_IDS.indexOf(c.caseId) + 10 * (c.model ? MODEL_SIZES.indexOf(c.model) + 1 : 0);
  return [...rounds.values()]
    .map((r) => ({
      caseId: r.caseId,
      model: r.model,
      modelShape: r.model ? ctx.models.get(r.model)!.shape : undefined,
      result: bestRound(r.results),
      rounds: r.results,
    }))
    .sort((x, y) => order(x) - order(y));
}
