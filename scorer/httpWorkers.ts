/**
 * An ONNX replica's HTTP workers, when its plan (`workerPlan.ts`) asks for more than one: one worker
 * process per CPU (`node:cluster`), all on the replica's port, each with its own sessions and batcher,
 * as gunicorn's workers do for Azure ML's inference server. The primary only supervises: it says
 * "listening" once every worker listens, fails the replica with a worker's exit code when one cannot
 * start (so a model that cannot run stays distinct), replaces a worker that dies later, and drains them
 * all on SIGTERM.
 */
import cluster, { type Worker } from 'node:cluster';
import type { ScorerConfig } from '../shared/scorerConfig';
import { intraOpThreadsPerWorker } from './workerPlan';
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
