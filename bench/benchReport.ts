/**
 * What `npm run bench` prints and writes: the machine, a table of requests/s, p50 and p99 per case and
 * model, the target ratios (benchRatios.ts) and each other case's lines; plus a README markdown snippet.
 */
import { renderBatchBench, type BatchBenchResult } from './batchBenchReport';
import { CASE_NAMES, type CaseResult } from './benchCases';
import { describeMachine, type MachineInfo } from './benchMachine';
import type { ModelSize } from './benchModels';
import { HOST_SHARE_TARGET_US, hostShareUs, type Ratio } from './benchRatios';
import { renderBinaryBench, type BinaryBenchResult } from './binaryBench';
import { renderCollectionLatency, type CollectionLatencyRound } from './collectionBench';
import type { DeploymentBatching } from './deployModel';
import { renderOverloadBench, type OverloadBenchResult } from './overloadBench';
import { renderStartBench, type StartBenchResult } from './startBench';
import { renderReplicaBench, type ReplicaBenchResult } from './replicaBench';

export interface BenchSettings {
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  rounds: number;
  batching: DeploymentBatching;
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
