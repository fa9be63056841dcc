/**
 * Deterministic fan-out helpers for the batch orchestrators: a wave schedules up to
 * `maxConcurrency` activities at once and waits for all of them, then says which succeeded.
 *
 * Why waves rather than a sliding window: durable-functions 3 records a `Task.any`/`Task.all` over
 * tasks that were already scheduled as new actions, so a window re-yielding in-flight tasks in a
 * fresh `Task.any` would schedule them twice. Yielding one already-scheduled task is safe, which is
 * how a wave collects its results after a failure.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext, Task } from 'durable-functions';
import type { BatchScoringInput } from '../../shared/batch/batchTally';

export type Outcome<R> = { index: number; ok: true; value: R } | { index: number; ok: false; reason: string };

/** Durable's message for a failed task, without its framing. */
export function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message
    .replace(/^Activity function '[^']+' failed:\s*/, '')
    .split('\n')[0]!
    .slice(0, 1000);
}

/** Runs `indices` as one wave; never throws for a failed task. */
export function* runWave<R>(
  context: OrchestrationContext,
  indices: readonly number[],
  task: (index: number) => Task,
): Generator<Task, Outcome<R>[], unknown> {
  const tasks = indices.map(task);
  try {
    const values = (yield context.df.Task.all(tasks)) as R[];
    return values.map((value, k) => ({ index: indices[k]!, ok: true, value }));
  } catch {
    // Some task failed after its retries; the others keep running and are collected one by one.
  }
  const outcomes: Outcome<R>[] = [];
  for (let k = 0; k < tasks.length; k++) {
    try {
      outcomes.push({ index: indices[k]!, ok: true, value: (yield tasks[k]!) as R });
    } catch (error) {
      outcomes.push({ index: indices[k]!, ok: false, reason: reasonOf(error) });
    }
  }
  return outcomes;
}

/** The retry policy of mini-batch activities: `maxRetries` more tries, backing off from 1 s. */
export function retryOf(input: Pick<BatchScoringInput, 'maxRetries'>): df.RetryOptions {
  const retry = new df.RetryOptions(1000, input.maxRetries + 1);
  retry.backoffCoefficient = 2;
  retry.maxRetryIntervalInMilliseconds = 30_000;
  return retry;
}

/** `[from, to)` in waves of `width`. */
export function wavesOf(from: number, to: number, width: number): number[][] {
  const waves: number[][] = [];
  for (let at = from; at < to; at += width)
    waves.push(Array.from({ length: Math.min(width, to - at) }, (_, k) => at + k));
  return waves;
}
