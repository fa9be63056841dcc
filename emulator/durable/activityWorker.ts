/**
 * The entry point of an activity worker thread (see `activityWorkers.ts`): loads the app as the host
 * does, then runs each activity job it is sent and posts back the history event; log lines written
 * during invocations go to the main thread, which prints them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { installCoreResolver } from '../coreResolver';
import { loadApp } from '../appLoader';
import { setInvocationLogSink } from '../invoker';
import { runActivity, taskFailedEvent, type ActivityJob } from './activityRunner';
import type { HistoryEvent } from './historyEvents';
import type { WorkerMessage } from './activityWorkers';

installCoreResolver();
const port = parentPort!;
const post = (message: WorkerMessage): void => port.postMessage(message);
setInvocationLogSink((log) => post({ kind: 'log', log }));
const ready = loadApp((workerData as { appDir: string }).appDir);
ready.then(
  () => post({ kind: 'ready' }),
  (error: unknown) => post({ kind: 'ready', error: (error as Error).message }),
);

port.on('message', (message: { id: number; job: ActivityJob; timeoutMs?: number }) => {
  const { id, job, timeoutMs } = message;
  const done = (event: HistoryEvent): void => post({ kind: 'done', id, event });
  ready.then(
    async () => done(await runActivity(job, timeoutMs)),
    (error: unknown) => {
      const reason = `the activity worker could not load the app: ${(error as Error).message}`;
      done(
        taskFailedEvent(
          job.taskId,
          `Activity function '${job.name}' failed: ${reason}`,
          JSON.stringify({ Message: reason }),
        ),
      );
    },
  );
});
