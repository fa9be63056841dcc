/**
 * An ONNX replica's HTTP workers. Node parses HTTP on one thread, so a replica whose model is cheap
 * next to its HTTP runs one worker process per CPU (`node:cluster`), all on the replica's port, each
 * with its own sessions and batcher, as gunicorn's workers do for Azure ML's inference server. A model
 * that costs more than HTTP keeps one worker, whose ONNX Runtime threads use every CPU on full batches
 * (split between workers, its batches would shrink and cost more per row). The primary only supervises:
 * it says "listening" once every worker listens, fails the replica with a worker's exit code when one
 * cannot start (so a model that cannot run stays distinct), replaces a worker that dies later, and
 * drains them all on SIGTERM.
 */
import cluster, { type Worker } from 'node:cluster';
import type { ScorerConfig } from '../shared/scorerConfig';
import { canBatch } from '../shared/scoring/batching/dynamicBatcher';
import { stackTensors } from '../shared/scoring/batching/stack';
import type { NamedTensor } from '../shared/scoring/datatypes';
import { exampleFeeds, type ModelSession } from '../shared/scoring/modelSession';
import { cpuBudget, memoryBudget } from './replicaResources';

/** What a worker tells the primary once it listens. */
export interface WorkerListening {
  type: 'sibyl-scorer-listening';
  port: number;
  executionProvider: string;
  /** Why the replica is not ready (the device check), when it is not. */
  notReady?: string;
}

function isListening(message: unknown): message is WorkerListening {
  return (message as WorkerListening | undefined)?.type === 'sibyl-scorer-listening';
}

/** What the measure needs of a session (one on this thread, or in a thread of its own). */
export type ProbedSession = Pick<ModelSession, 'signature' | 'run'>;

/**
 * CPU µs a request costs a worker around the model (HTTP, decoding, the answer): measured by `npm run
 * bench` at 30–40 on a 2.3 GHz Xeon core. A model that costs less per row is bound by HTTP.
 */
export const HTTP_CPU_US_PER_REQUEST = 30;

/**
 * CPU µs per row of a full batch (`rows` rows of the warm-up's synthetic input; one row for a model
 * that cannot batch), least of three runs; undefined when the model does not take that input. A model
 * whose single row already costs a hundred times HTTP is not run on a full batch: batching gains less
 * than that, and a slow model's start would wait minutes on it.
 */
export async function modelCpuPerRow(session: ProbedSession, rows: number): Promise<number | undefined> {
  const one = exampleFeeds(session.signature);
  const single = await leastCpu(session, one, 2);
  if (single === undefined || single >= 100 * HTTP_CPU_US_PER_REQUEST) return single;
  if (!canBatch(session.signature) || rows === 1) return single;
  const batch = await leastCpu(session, stackTensors(Array.from({ length: rows }, () => one)), 3);
  return batch === undefined ? undefined : batch / rows;
}

/** Least CPU µs of `runs` runs of `feeds`, after one that pays for allocations at that size. */
async function leastCpu(session: ProbedSession, feeds: NamedTensor[], runs: number): Promise<number | undefined> {
  let least = Infinity;
  try {
    for (let i = 0; i <= runs; i++) {
      const before = process.cpuUsage();
      await session.run(feeds);
      const used = process.cpuUsage(before);
      if (i > 0) least = Math.min(least, used.user + used.system);
    }
  } catch {
    return undefined;
  }
  return least;
}

/** What a worker needs besides its copy of the model: Node, ONNX Runtime, buffers. */
const WORKER_BASE_BYTES = 128 * 1024 ** 2;

/** What the count depends on, measured by the primary on the model it loaded. */
export interface WorkerPlanInputs {
  cpus: number;
  /** `modelCpuPerRow`; undefined when the replica serves no one model or it could not be measured. */
  cpuPerRow: number | undefined;
  /** The model's files, and the memory the replica may use (`memoryBudget`). */
  modelBytes: number;
  memoryBytes: number;
}

/**
 * How many workers: `SIBYL_SCORER_WORKERS` when set; one when CUDA is among the providers (each worker
 * would hold its own copy of the model in the GPU's memory, and the GPU, not HTTP, bounds the replica),
 * or when the replica serves no one model; else one per CPU when the model costs less per row than HTTP,
 * as many as three quarters of the memory holds (a model is held about twice: its file's bytes as
 * loaded, and ONNX Runtime's weights), and one when it costs more.
 */
export function httpWorkerCount(config: ScorerConfig, plan: WorkerPlanInputs): number {
  if (config.workers !== undefined) return config.workers;
  const { cpus, cpuPerRow, modelBytes, memoryBytes } = plan;
  if (config.executionProviders.includes('cuda') || cpuPerRow === undefined) return 1;
  if (cpuPerRow >= HTTP_CPU_US_PER_REQUEST) return 1;
  const fits = Math.floor((0.75 * memoryBytes) / (2 * modelBytes + WORKER_BASE_BYTES));
  return Math.max(1, Math.min(cpus, fits));
}

/** Whether the plan measures the replica's model: one is configured, no count is set, and CUDA does not run it. */
export function measuresModel(config: ScorerConfig): boolean {
  return config.model !== undefined && config.workers === undefined && !config.executionProviders.includes('cuda');
}

/** What `planHttpWorkers` decided. */
export interface WorkerPlan {
  workers: number;
  cpus: number;
  /**
   * The model costs HTTP's worth or more per row (or could not be measured): its runs belong in a thread
   * of their own (`threadedModel.ts`), not on the thread that parses requests.
   */
  costly: boolean;
}

/**
 * The primary's plan, on the model it loaded (none for a replica that serves models as they are asked
 * for): the CPUs it may use, how many workers, and whether the model is costly. The model is measured
 * unless the count is set or CUDA runs it.
 */
export async function planHttpWorkers(
  config: ScorerConfig,
  model: { session: ProbedSession; sizeBytes: number } | undefined,
): Promise<WorkerPlan> {
  const cpus = cpuBudget(config.cpus);
  const cpuPerRow =
    model && measuresModel(config) ? await modelCpuPerRow(model.session, config.maxBatchSize) : undefined;
  const plan = { cpus, cpuPerRow, modelBytes: model?.sizeBytes ?? 0, memoryBytes: memoryBudget() };
  const costly = !(cpuPerRow !== undefined && cpuPerRow < HTTP_CPU_US_PER_REQUEST);
  return { workers: httpWorkerCount(config, plan), cpus, costly };
}

/**
 * ONNX Runtime's intra-op threads per worker when the environment sets none: the CPUs shared out, so
 * N workers do not each start a pool as large as the machine.
 */
export function intraOpThreadsPerWorker(cpus: number, workers: number): number {
  return Math.max(1, Math.floor(cpus / workers));
}

/** The line the local compute provider (and a person) reads: the port, once every worker listens. */
export function listeningLine(port: number, executionProvider: string, workers: number, threaded = false): string {
  const plural = workers === 1 ? 'worker' : 'workers';
  const thread = threaded ? ', the model on a thread of its own' : '';
  return `Sibyl scorer listening on port ${port} (execution provider: ${executionProvider}, ${workers} HTTP ${plural}${thread})\n`;
}

/** In a worker: tells the primary it listens. */
export function reportListening(message: Omit<WorkerListening, 'type'>): void {
  process.send?.({ type: 'sibyl-scorer-listening', ...message } satisfies WorkerListening);
}

/** In the primary: starts `count` workers and looks after them until SIGTERM. */
export function superviseWorkers(config: ScorerConfig, count: number, cpus: number): void {
  const env: Record<string, string> = {};
  if (config.intraOpNumThreads === undefined)
    env.SIBYL_SCORER_INTRA_OP_THREADS = String(intraOpThreadsPerWorker(cpus, count));
  // The primary alone watches the host's stdin pipe; a worker exits by itself when the primary is gone
  // (its IPC channel closes), so a killed replica leaves no worker behind.
  cluster.setupPrimary({ stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const live = new Set<Worker>();
  const listening = new Set<Worker>();
  let announced = false;
  let draining = false;

  const stopAll = (signal: NodeJS.Signals) => {
    for (const worker of live) worker.process.kill(signal);
  };
  const start = () => {
    const worker = cluster.fork(env);
    live.add(worker);
    worker.on('message', (message: unknown) => {
      if (!isListening(message)) return;
      listening.add(worker);
      if (announced || listening.size < count) return;
      announced = true;
      process.stdout.write(listeningLine(message.port, message.executionProvider, count));
      if (message.notReady) process.stderr.write(`Not ready: ${message.notReady}\n`);
    });
    worker.once('exit', (code, signal) => {
      live.delete(worker);
      const served = listening.delete(worker);
      if (draining) {
        if (live.size === 0) process.exit(0);
        return;
      }
      if (!served) {
        // It could not start (its own words are on stderr): neither can the replica.
        stopAll('SIGKILL');
        process.exit(code || 1);
      }
      const how = signal ?? `code ${code}`;
      process.stderr.write(`scorer: HTTP worker ${worker.process.pid} ended (${how}); starting another.\n`);
      start();
    });
  };
  for (let i = 0; i < count; i++) start();

  const drain = () => {
    if (draining) return;
    draining = true;
    if (live.size === 0) process.exit(0);
    stopAll('SIGTERM');
  };
  process.on('SIGTERM', drain);
  process.on('SIGINT', drain);
}
