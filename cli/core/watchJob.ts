/**
 * Waiting for a batch job or run to end: polls until the status is terminal, reporting each answer.
 * Ctrl-C stops waiting (exit 130) and says how to cancel; the job itself keeps running.
 * The poll interval is 1 s, or `SIBYL_POLL_INTERVAL_MS`.
 */
import { isTerminalStatus } from '../../shared/portable/runStatuses';
import { JobOutcomeError } from './cliErrors';
import type { ApiClient } from './apiClient';
import { seg } from './apiClient';
import { writeErr, type OutputFormat } from './output';

/** Milliseconds between polls. */
export function pollIntervalMs(): number {
  const given = Number(process.env.SIBYL_POLL_INTERVAL_MS);
  return Number.isFinite(given) && given >= 50 ? given : 1000;
}

export interface WatchOptions<T> {
  /** Called with every answer, the last (terminal) one included. */
  onUpdate(item: T): void | Promise<void>;
  /** Called on Ctrl-C before exiting; returns the note to print (how to cancel). */
  onInterrupt(): string;
}

/** Polls `load` until its `status` is Completed, Failed or Canceled; resolves with the last answer. */
export async function watchUntilDone<T extends { status: string }>(
  load: () => Promise<T>,
  options: WatchOptions<T>,
): Promise<T> {
  const interrupt = () => {
    writeErr(`\n${options.onInterrupt()}`);
    process.exit(130);
  };
  process.once('SIGINT', interrupt);
  try {
    for (;;) {
      const item = await load();
      await options.onUpdate(item);
      if (isTerminalStatus(item.status)) return item;
      await new Promise((resolve) => setTimeout(resolve, pollIntervalMs()));
    }
  } finally {
    process.removeListener('SIGINT', interrupt);
  }
}

/**
 * Waits for a workspace run to finish, printing each status change on stderr in table format;
 * `interruptNote` says on Ctrl-C how to follow the run that keeps going.
 */
export async function watchRun<T extends { id: string; status: string }>(
  api: ApiClient,
  runId: string,
  format: OutputFormat,
  interruptNote: string,
): Promise<T> {
  let last = '';
  return watchUntilDone(() => api.get<T>(`/api/runs/${seg(runId)}`), {
    onUpdate: (r) => {
      if (format === 'table' && r.status !== last) writeErr(`run ${r.id}: ${(last = r.status)}`);
    },
    onInterrupt: () => `Stopped waiting; run ${runId} keeps running. ${interruptNote}`,
  });
}

/** Throws exit code 3 when a finished job or run did not complete. */
export function failUnlessCompleted(
  what: string,
  item: { status: string; error?: { code?: string; message?: string } },
): void {
  if (item.status === 'Completed') return;
  const why = item.error ? `: ${item.error.code ? `${item.error.code}: ` : ''}${item.error.message ?? ''}` : '';
  throw new JobOutcomeError(`${what} ended ${item.status}${why}`);
}
