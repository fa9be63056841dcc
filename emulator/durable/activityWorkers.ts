/**
 * Runs activity invocations in worker threads, each holding its own copy of the app loaded the way
 * the host loads it — as Azure runs a Function App's activities on several instances and worker
 * processes — so CPU-bound activities (batch mini-batches) use every core. Orchestrations, the journal
 * and the other triggers stay on the main thread; an invocation crosses as its job and comes back as
 * the history event it produced, so nothing changes for the activity code.
 *
 * @example const workers = new ActivityWorkers(appDir, 2, logInvocation); const event = await workers.run(job, 30_000);
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { InvocationLog } from '../invoker';
import { taskFailedEvent, type ActivityJob } from './activityRunner';
import type { HistoryEvent } from './historyEvents';

/** Messages from a worker: a finished invocation, or a log line written during one. */
export type WorkerMessage =
  | { kind: 'ready'; error?: string }
  | { kind: 'done'; id: number; event: HistoryEvent }
  | { kind: 'log'; log: InvocationLog };

interface Lane {
  worker: Worker;
  pending: Map<number, { job: ActivityJob; resolve: (event: HistoryEvent) => void }>;
}

const WORKER_FILE = path.join(__dirname, 'activityWorker.js');

export class ActivityWorkers {
  private readonly lanes: Lane[] = [];
  private nextId = 0;
  private stopping = false;

  constructor(
    private readonly appDir: string,
    private readonly count: number,
    private readonly onLog: (log: InvocationLog) => void,
    private readonly hostLog: (level: 'info' | 'error', message: string) => void = () => undefined,
  ) {}

  /**
   * Runs the activity on the least busy worker; never rejects (a worker that dies fails its jobs).
   * The workers start on the first activity, so a host that runs none pays nothing at start.
   */
  run(job: ActivityJob, timeoutMs?: number): Promise<HistoryEvent> {
    while (this.lanes.length < this.count) this.lanes.push(this.spawn());
    let lane = this.lanes[0]!;
    for (const other of this.lanes) if (other.pending.size < lane.pending.size) lane = other;
    const id = this.nextId++;
    return new Promise((resolve) => {
      lane.pending.set(id, { job, resolve });
      lane.worker.postMessage({ id, job, timeoutMs });
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.lanes.map((lane) => lane.worker.terminate()));
  }

  private spawn(): Lane {
    const worker = new Worker(WORKER_FILE, { workerData: { appDir: this.appDir } });
    const lane: Lane = { worker, pending: new Map() };
    worker.on('message', (message: WorkerMessage) => {
      if (message.kind === 'log') return this.onLog(message.log);
      if (message.kind === 'ready') {
        if (message.error)
          return this.hostLog(
            'error',
            `Activity worker thread ${worker.threadId} could not load the app: ${message.error}`,
          );
        return this.hostLog('info', `Activity worker thread ${worker.threadId} loaded the app.`);
      }
      const entry = lane.pending.get(message.id);
      lane.pending.delete(message.id);
      entry?.resolve(message.event);
    });
    const lost = (reason: string): void => {
      for (const { job, resolve } of lane.pending.values())
        resolve(
          taskFailedEvent(
            job.taskId,
            `Activity function '${job.name}' failed: ${reason}`,
            JSON.stringify({ Message: reason }),
          ),
        );
      lane.pending.clear();
      if (this.stopping) return;
      const at = this.lanes.indexOf(lane);
      if (at >= 0) this.lanes[at] = this.spawn();
    };
    worker.on('error', (error) => lost(`its worker thread failed: ${error.message}`));
    worker.on('exit', (code) => {
      if (this.lanes.includes(lane)) lost(`its worker thread exited with code ${code}`);
    });
    return lane;
  }
}
