/**
 * Turns measurements into what `npm run bench` prints: the machine, a table of requests/s, p50 and
 * p99 per case and model, and the target ratios marked PASS or MISS; plus a README markdown snippet.
 */
import * as os from 'node:os';
import { renderBatchBench, type BatchBenchResult } from './batchBench';
import { renderBinaryBench, type BinaryBenchResult } from './binaryBench';
import { renderCollectionLatency, type CollectionLatencyRound } from './collectionBench';
import { renderOverloadBench, type OverloadBenchResult } from './overloadBench';
import { renderStartBench, type StartBenchResult } from './startBench';
import { renderReplicaBench, type ReplicaBenchResult } from './replicaBench';
import type { ModelSize } from './benchModels';
import type { LoadResult } from './measureLoad';

export type CaseId =
  | 'sibyl'
  | 'noop'
  | 'plain'
  | 'fixed'
  | 'scorer'
  | 'batch'
  | 'collect'
  | 'replicas'
  | 'binary'
  | 'floor'
  | 'overload'
  | 'start';
/**
 * `batch` is the batch-scoring run (batchBench.ts), `replicas` the replica scaling run (replicaBench.ts),
 * `binary` the OIP JSON-vs-binary run (binaryBench.ts), `overload` the goodput run (overloadBench.ts) and
 * `start` the `npm start` timing (startBench.ts): not load cases of the table.
 */
export const CASE_IDS: readonly CaseId[] = [
  'sibyl',
  'noop',
  'plain',
  'fixed',
  'scorer',
  'batch',
  'collect',
  'replicas',
  'binary',
  'floor',
  'overload',
  'start',
];

export const CASE_NAMES: Record<CaseId, string> = {
  sibyl: '(a) Sibyl score route, emulator',
  noop: '(b) no-op route, emulator',
  plain: '(c) node:http + onnxruntime-node',
  fixed: '(d) node:http fixed JSON',
  scorer: '(e) Sibyl scorer container (OIP)',
  batch: 'batch scoring job',
  collect: '(f) Sibyl score route, data collection on',
  replicas: 'container deployment on 1, 2, 4 replicas',
  binary: 'OIP 1×3×224×224 FP32: JSON vs binary',
  floor: '(g) node:http + @azure/functions, no host',
  overload: 'goodput under overload',
  start: 'npm start to ready',
};

export interface CaseResult {
  caseId: CaseId;
  /** Absent for the cases that serve no model (b, d, g). */
  model?: ModelSize;
  modelShape?: string;
  /** The round with the most requests/s. */
  result: LoadResult;
  rounds: LoadResult[];
}

export interface Ratio {
  name: string;
  value: number;
  /**
   * The same ratio from server CPU per request (requests per CPU-second): what the ratio would be if
   * each server had the machine to itself. On a shared machine requests/s mostly measures each
   * process's share of the CPUs; this does not.
   */
  perCore?: number;
  target?: number;
  verdict?: 'PASS' | 'MISS';
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  onnxruntime: string;
  platform: string;
  loadAverage: number[];
}

export interface BenchSettings {
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  rounds: number;
  batching: { maxBatchSize: number; maxQueueDelayMs: number };
}

export interface BenchReport {
  date: string;
  machine: MachineInfo;
  /** 1, 5 and 15 minute load averages when the run ended (the machine may be shared). */
  loadAverageAfter: number[];
  settings: BenchSettings;
  cases: CaseResult[];
  ratios: Ratio[];
  /** The batch-scoring comparison, when the `batch` case ran. */
  batch?: BatchBenchResult;
  /** Throughput of one container deployment as replicas are added, when the `replicas` case ran. */
  replicas?: ReplicaBenchResult;
  /** JSON against the binary tensor extension, when the `binary` case ran. */
  binary?: BinaryBenchResult;
  /** Collection on and off at a fixed moderate rate, per round and model, when (a) and (f) both ran. */
  collectionLatency?: CollectionLatencyRound[];
  /** Lines each collecting deployment wrote and dropped over the run (the queue drops rather than waits). */
  collectionCounts?: Partial<Record<ModelSize, { collected: number; dropped: number }>>;
  /** Goodput under 256 connections against capacity at 16, when the `overload` case ran. */
  overload?: OverloadBenchResult;
  /** `npm start` to ready with no source change, when the `start` case ran. */
  start?: StartBenchResult;
}

/** 1, 5 and 15 minute load averages, rounded. */
export function loadAverage(): number[] {
  return os.loadavg().map((n) => Math.round(n * 100) / 100);
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ort = require('onnxruntime-node/package.json') as { version: string };
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    onnxruntime: ort.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    loadAverage: loadAverage(),
  };
}

/** The round with the most requests/s: on a shared machine other load only ever slows a round down. */
export function bestRound(rounds: LoadResult[]): LoadResult {
  return rounds.reduce((best, r) => (r.requestsPerSecond > best.requestsPerSecond ? r : best));
}

function resultOf(cases: CaseResult[], caseId: CaseId, model?: ModelSize): LoadResult | undefined {
  return cases.find((c) => c.caseId === caseId && c.model === model)?.result;
}

/** `num / den` in requests/s, and in requests per CPU-second where both CPU figures are known. */
function ratioOf(
  num: LoadResult | undefined,
  den: LoadResult | undefined,
): Pick<Ratio, 'value' | 'perCore'> | undefined {
  if (!num || !den || den.requestsPerSecond === 0) return undefined;
  const a = num.serverCpuUsPerRequest;
  const b = den.serverCpuUsPerRequest;
  return { value: num.requestsPerSecond / den.requestsPerSecond, ...(a && b ? { perCore: b / a } : {}) };
}

/** Issue 17's table (the batch target is printed with the batch case, the start target with the start case). */
const TARGETS: { name: string; numerator: [CaseId, ModelSize?]; denominator: [CaseId, ModelSize?]; target: number }[] =
  [
    { name: 'no-op route / fixed-JSON server', numerator: ['noop'], denominator: ['fixed'], target: 0.11 },
    { name: 'tiny: Sibyl / no-op route', numerator: ['sibyl', 'tiny'], denominator: ['noop'], target: 0.85 },
    { name: 'heavy: Sibyl / plain server', numerator: ['sibyl', 'heavy'], denominator: ['plain', 'heavy'], target: 3 },
    { name: 'tiny: scorer / plain server', numerator: ['scorer', 'tiny'], denominator: ['plain', 'tiny'], target: 1.5 },
    { name: 'tiny: scorer / fixed-JSON server', numerator: ['scorer', 'tiny'], denominator: ['fixed'], target: 0.5 },
    {
      name: 'heavy: scorer / plain server',
      numerator: ['scorer', 'heavy'],
      denominator: ['plain', 'heavy'],
      target: 8,
    },
  ];

/** The local host's own CPU per request: the no-op route's minus the library's floor (g); target ≤ 30 µs. */
export const HOST_SHARE_TARGET_US = 30;

/** A case's least server CPU per request over its rounds: other load on the machine only adds to it. */
function leastCpuUs(cases: CaseResult[], caseId: CaseId): number | undefined {
  const cpu = cases
    .find((c) => c.caseId === caseId && c.model === undefined)
    ?.rounds.map((r) => r.serverCpuUsPerRequest)
    .filter((us): us is number => us !== undefined);
  return cpu?.length ? Math.min(...cpu) : undefined;
}

export function hostShareUs(cases: CaseResult[]): number | undefined {
  const noop = leastCpuUs(cases, 'noop');
  const floor = leastCpuUs(cases, 'floor');
  return noop !== undefined && floor !== undefined ? noop - floor : undefined;
}

export function computeRatios(cases: CaseResult[], models: readonly ModelSize[]): Ratio[] {
  const ratios: Ratio[] = [];
  for (const t of TARGETS) {
    const r = ratioOf(resultOf(cases, ...t.numerator), resultOf(cases, ...t.denominator));
    if (r) ratios.push({ name: t.name, ...r, target: t.target, verdict: r.value >= t.target ? 'PASS' : 'MISS' });
  }
  // Collecting every request must keep latency within 5%: at saturation, throughput is its inverse (the
  // latency at a fixed moderate rate is compared in collectionBench.ts).
  for (const m of models) {
    const r = ratioOf(resultOf(cases, 'collect', m), resultOf(cases, 'sibyl', m));
    if (r)
      ratios.push({
        name: `${m}: collection on / off`,
        ...r,
        target: 0.95,
        verdict: r.value >= 0.95 ? 'PASS' : 'MISS',
      });
  }
  // The same ratios for the other models, for information (no target).
  for (const m of models) {
    const sibyl = resultOf(cases, 'sibyl', m);
    const plain = m !== 'heavy' ? ratioOf(sibyl, resultOf(cases, 'plain', m)) : undefined;
    const noop = m !== 'tiny' ? ratioOf(sibyl, resultOf(cases, 'noop')) : undefined;
    const scorer = m === 'medium' ? ratioOf(resultOf(cases, 'scorer', m), resultOf(cases, 'plain', m)) : undefined;
    if (plain) ratios.push({ name: `${m}: Sibyl / plain server`, ...plain });
    if (scorer) ratios.push({ name: `${m}: scorer / plain server`, ...scorer });
    if (noop) ratios.push({ name: `${m}: Sibyl / no-op route`, ...noop });
  }
  return ratios;
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function rows(report: BenchReport): string[][] {
  return report.cases.map((c) => {
    const r = c.result;
    const failures = r.non2xx + r.errors;
    const cpu = r.serverCpuUsPerRequest === undefined ? '—' : fmt(r.serverCpuUsPerRequest);
    const batch = r.meanBatchSize === undefined ? '—' : fmt(r.meanBatchSize, 1);
    return [
      CASE_NAMES[c.caseId],
      c.model ? `${c.model} (${c.modelShape})` : '—',
      fmt(r.requestsPerSecond),
      fmt(r.p50Ms, 1),
      fmt(r.p99Ms, 1),
      cpu,
      batch,
      failures ? fmt(failures) : '0',
    ];
  });
}

const HEADER = ['case', 'model', 'req/s', 'p50 ms', 'p99 ms', 'server CPU µs/req', 'mean batch', 'failed'];

/** Three significant digits, so a ratio just under its target never prints as the target. */
const ratio = (n: number) => n.toPrecision(3);

function ratioLine(r: Ratio): string {
  const perCore = r.perCore === undefined ? '' : `; per CPU-second ${ratio(r.perCore)}`;
  return r.target === undefined
    ? `${r.name} = ${ratio(r.value)}${perCore}`
    : `${r.name} = ${ratio(r.value)} (target ≥ ${r.target}) ${r.verdict}${perCore}`;
}

export function describeMachine(m: MachineInfo): string {
  return `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node}, onnxruntime-node ${m.onnxruntime}`;
}

function hostShareLines(report: BenchReport): string[] {
  const share = hostShareUs(report.cases);
  if (share === undefined) return [];
  const verdict = share <= HOST_SHARE_TARGET_US ? 'PASS' : 'MISS';
  return [
    `local host's own CPU per request = no-op route − (g), least of the rounds = ${Math.round(share)} µs ` +
      `(target ≤ ${HOST_SHARE_TARGET_US} µs) ${verdict}`,
  ];
}

/** The console form: aligned columns. */
export function renderText(report: BenchReport): string {
  const table = [HEADER, ...rows(report)];
  const widths = HEADER.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    row.map((cell, i) => (i >= 2 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ');
  const s = report.settings;
  return [
    `Machine: ${describeMachine(report.machine)}; load average ${report.machine.loadAverage.join(', ')} ` +
      `at start, ${report.loadAverageAfter.join(', ')} at the end`,
    `Load: autocannon, ${s.connections} connections, batch-1 POSTs,` +
      ` ${s.warmupSeconds} s warm-up + ${s.durationSeconds} s per case,` +
      ` best of ${s.rounds} round(s); Sibyl batching maxBatchSize ${s.batching.maxBatchSize},` +
      ` maxQueueDelayMs ${s.batching.maxQueueDelayMs}`,
    '',
    line(table[0]!),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...table.slice(1).map(line),
    '',
    ...report.ratios.map(ratioLine),
    ...hostShareLines(report),
    ...(report.start ? renderStartBench(report.start) : []),
    ...(report.batch ? ['', ...renderBatchBench(report.batch)] : []),
    ...(report.overload ? ['', ...renderOverloadBench(report.overload)] : []),
    ...(report.replicas ? ['', ...renderReplicaBench(report.replicas)] : []),
    ...(report.binary ? ['', ...renderBinaryBench(report.binary)] : []),
    ...(report.collectionLatency
      ? ['', ...renderCollectionLatency(report.collectionLatency, report.collectionCounts)]
      : []),
    '',
    CPU_NOTE,
  ].join('\n');
}

const CPU_NOTE =
  'server CPU µs/req: user + system CPU time of the server process (all threads, and its child processes) per answered request. ' +
  '"per CPU-second": the ratio of requests per CPU-second, i.e. with each server given the same CPU; ' +
  'when the machine is busy, requests/s mostly measures how much CPU each process got.';

/** The README form: a markdown table and the ratios as a list. */
export function renderMarkdown(report: BenchReport): string {
  const s = report.settings;
  return [
    `Measured ${report.date.slice(0, 10)} on ${describeMachine(report.machine)}: ` +
      `autocannon, ${s.connections} connections, batch-1 requests, ` +
      `${s.durationSeconds} s per case after a ${s.warmupSeconds} s ` +
      `warm-up, best of ${s.rounds} round(s).`,
    '',
    `| ${HEADER.join(' | ')} |`,
    `|${HEADER.map((_, i) => (i >= 2 ? '---:' : '---')).join('|')}|`,
    ...rows(report).map((row) => `| ${row.join(' | ')} |`),
    '',
    ...report.ratios.map((r) => `- ${ratioLine(r)}`),
    ...hostShareLines(report).map((line) => `- ${line}`),
    ...(report.start ? renderStartBench(report.start).map((line) => `- ${line}`) : []),
    ...(report.batch ? ['', '```', ...renderBatchBench(report.batch), '```'] : []),
    ...(report.overload ? ['', '```', ...renderOverloadBench(report.overload), '```'] : []),
    ...(report.replicas ? ['', '```', ...renderReplicaBench(report.replicas), '```'] : []),
    ...(report.binary ? ['', '```', ...renderBinaryBench(report.binary), '```'] : []),
    ...(report.collectionLatency
      ? ['', '```', ...renderCollectionLatency(report.collectionLatency, report.collectionCounts), '```']
      : []),
    '',
    CPU_NOTE,
  ].join('\n');
}
