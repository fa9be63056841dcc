/**
 * The batch case's subject (a): a Sibyl batch job on the tiny MLP through the local Functions host (plan →
 * mini-batches in Durable activities → merge into predictions.csv), timed from POST to Completed as the
 * client sees it, with where its time went from the run's metrics.
 */
import { performance } from 'node:perf_hooks';
import { CONTAINER, INPUT, type StageTimes } from './batchBenchInput';
import type { EmulatorHost } from './emulatorHost';
import { hostCall as call } from './hostCall';

interface JobView {
  status: string;
  progress: { rowsScored: number; rowsFailed: number; totalMiniBatches: number };
  error?: { message: string };
}

/** Submits the job, polls it to its end, and throws unless it completed with every row scored. */
export async function runBatchJob(
  host: EmulatorHost,
  model: string,
  rows: number,
  miniBatchRows: number,
  maxConcurrency: number,
  input = INPUT,
): Promise<StageTimes> {
  const start = performance.now();
  const submitted = await call<{ id: string }>(host, 'POST', 'api/batch/jobs', {
    model,
    input: { datastore: CONTAINER, path: input, format: 'csv' },
    output: { datastore: CONTAINER, path: 'bench/batch/sibyl' },
    miniBatchSize: { rows: miniBatchRows },
    maxConcurrency,
    retry: { maxRetries: 1, timeoutSeconds: 600 },
  });
  if (submitted.status !== 202)
    throw new Error(`submit answered ${submitted.status}: ${JSON.stringify(submitted.body)}`);
  let job: JobView;
  for (;;) {
    job = (await call<JobView>(host, 'GET', `api/batch/jobs/${submitted.body.id}`)).body;
    if (['Completed', 'Failed', 'Canceled'].includes(job.status)) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const seconds = (performance.now() - start) / 1000;
  if (job.status !== 'Completed' || job.progress.rowsScored !== rows)
    throw new Error(
      `the batch job ended ${job.status} with ${job.progress.rowsScored} rows: ${job.error?.message ?? ''}`,
    );
  const run = (await call<{ metrics: Record<string, number> }>(host, 'GET', `api/runs/${submitted.body.id}`)).body;
  const m = run.metrics;
  const stages: Record<string, number> = {
    plan: m.planSeconds ?? 0,
    score: m.scoreSeconds ?? 0,
    merge: m.mergeSeconds ?? 0,
  };
  stages.submitAndFinish = Math.max(0, seconds - stages.plan! - stages.score! - stages.merge!);
  // Processes' CPU seconds, added by the caller (see withCpu).
  return { seconds, stages };
}
