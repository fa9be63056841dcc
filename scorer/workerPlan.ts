/**
 * How an ONNX replica serves, planned by its primary process on the model it loaded: how many CPUs and
 * how much memory it may use, what a full batch of the model costs per row, and from that how many HTTP
 * worker processes (`httpWorkers.ts`) and whether the model runs in a thread of its own
 * (`threadedModel.ts`). Node parses HTTP on one thread, so a model cheap next to its HTTP is served from
 * one worker per CPU; a model that costs more keeps one worker, whose ONNX Runtime threads use every CPU
 * on full batches (split between workers, its batches would shrink and cost more per row).
 */
import type { ScorerConfig } from '../shared/scorerConfig';
import { canBatch } from '../shared/scoring/batching/dynamicBatcher';
import { stackTensors } from '../shared/scoring/batching/stack';
import type { NamedTensor } from '../shared/scoring/datatypes';
import { exampleFeeds, type ModelSession } from '../shared/scoring/modelSession';
import { cpuBudget, memoryBudget } from './replicaResources';

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

/** Costs HTTP's worth or more per row, or could not be measured. */
function costly(cpuPerRow: number | undefined): boolean {
  return cpuPerRow === undefined || cpuPerRow >= HTTP_CPU_US_PER_REQUEST;
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
  if (config.executionProviders.includes('cuda') || costly(cpuPerRow)) return 1;
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
  return { workers: httpWorkerCount(config, plan), cpus, costly: costly(cpuPerRow) };
}

/**
 * ONNX Runtime's intra-op threads per worker when the environment sets none: the CPUs shared out, so
 * N workers do not each start a pool as large as the machine.
 */
export function intraOpThreadsPerWorker(cpus: number, workers: number): number {
  return Math.max(1, Math.floor(cpus / workers));
}
