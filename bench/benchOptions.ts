/**
 * `npm run bench` options, from flags or the environment (flags win): --duration / BENCH_DURATION_S
 * (10 s per case), --warmup / BENCH_WARMUP_S (3 s), --connections / BENCH_CONNECTIONS (64),
 * --rounds / BENCH_ROUNDS (2; the best round is reported), --models / BENCH_MODELS
 * (tiny,medium,heavy), --cases / BENCH_CASES
 * (sibyl,noop,plain,fixed,scorer,batch,collect,replicas,binary,floor,overload,start),
 * --queue-delay-ms /
 * BENCH_QUEUE_DELAY_MS (`maxQueueDelayMs` of Sibyl's deployments and the scorer, 0), --batch-rows /
 * BENCH_BATCH_ROWS (the batch case's CSV, 400,000 rows as in issue 17), --cpu-prof (CPU profiles of the
 * emulator hosts, written next to their logs), --collect-load / BENCH_COLLECT_LOAD (the fixed rate of the
 * collection latency comparison, as a share of (a)'s saturated throughput: 0.3).
 */
import { parseArgs } from 'node:util';
import { MODEL_SIZES, type ModelSize } from './benchModels';
import { CASE_IDS, type CaseId } from './benchCases';

export interface BenchOptions {
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  rounds: number;
  models: ModelSize[];
  cases: CaseId[];
  /** The deployments' `batching.maxQueueDelayMs` (their `maxBatchSize` is 64). */
  queueDelayMs: number;
  /** Rows of the batch case's CSV (400,000). */
  batchRows: number;
  cpuProf: boolean;
  /** The collection latency comparison's rate, as a share of the saturated throughput (0.3). */
  collectLoad: number;
}

function positive(name: string, raw: string | undefined, fallback: number, allowZero = false): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0))
    throw new Error(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got '${raw}'.`);
  return n;
}

function list<T extends string>(name: string, raw: string | undefined, allowed: readonly T[]): T[] {
  if (!raw) return [...allowed];
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = items.filter((s) => !allowed.includes(s as T));
  if (bad.length) throw new Error(`${name}: unknown ${bad.join(', ')}; choose from ${allowed.join(', ')}.`);
  return items as T[];
}

export function readBenchOptions(): BenchOptions {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      rounds: { type: 'string' },
      models: { type: 'string' },
      cases: { type: 'string' },
      'queue-delay-ms': { type: 'string' },
      'batch-rows': { type: 'string' },
      'cpu-prof': { type: 'boolean' },
      'collect-load': { type: 'string' },
    },
  });
  const env = process.env;
  return {
    durationSeconds: positive('--duration', values.duration ?? env.BENCH_DURATION_S, 10),
    warmupSeconds: positive('--warmup', values.warmup ?? env.BENCH_WARMUP_S, 3, true),
    connections: Math.round(positive('--connections', values.connections ?? env.BENCH_CONNECTIONS, 64)),
    rounds: Math.round(positive('--rounds', values.rounds ?? env.BENCH_ROUNDS, 2)),
    models: list('--models', values.models ?? env.BENCH_MODELS, MODEL_SIZES),
    cases: list('--cases', values.cases ?? env.BENCH_CASES, CASE_IDS),
    queueDelayMs: positive('--queue-delay-ms', values['queue-delay-ms'] ?? env.BENCH_QUEUE_DELAY_MS, 0, true),
    batchRows: Math.round(positive('--batch-rows', values['batch-rows'] ?? env.BENCH_BATCH_ROWS, 400_000)),
    cpuProf: values['cpu-prof'] ?? false,
    collectLoad: Math.min(1, positive('--collect-load', values['collect-load'] ?? env.BENCH_COLLECT_LOAD, 0.3)),
  };
}
