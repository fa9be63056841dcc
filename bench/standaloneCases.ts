/**
 * The cases that start processes of their own, run once the load cases' servers have stopped so that
 * they have the machine: batch scoring (batchBench.ts), `npm start` to ready (startBench.ts), and one
 * container deployment on 1, 2 and 4 replicas (replicaBench.ts).
 */
import { say, type BenchContext } from './benchContext';
import { runBatchBench } from './batchBench';
import type { BatchBenchResult } from './batchBenchReport';
import { benchModel } from './benchModels';
import { runReplicaBench, type ReplicaBenchResult } from './replicaBench';
import { renderStartBench, runStartBench, type StartBenchResult } from './startBench';

export async function runBatchCase(ctx: BenchContext): Promise<BatchBenchResult> {
  const { batchRows, rounds } = ctx.options;
  say(
    `Batch scoring: ${batchRows.toLocaleString('en-US')} CSV rows, ` +
      'a Sibyl batch job against a hand-written pipeline…',
  );
  return runBatchBench({ rows: batchRows, rounds });
}

export async function runStartCase(ctx: BenchContext): Promise<StartBenchResult> {
  say('npm start to ready with no source change…');
  const result = await runStartBench(ctx.workDir);
  say(renderStartBench(result).join('\n'));
  return result;
}

export async function runReplicaCase(ctx: BenchContext): Promise<ReplicaBenchResult> {
  say('Replicas: a container deployment of the heavy model on 1, 2 and 4 replicas…');
  const heavy = ctx.models.get('heavy') ?? benchModel('heavy', ctx.workDir);
  const { connections, warmupSeconds, durationSeconds } = ctx.options;
  return runReplicaBench(
    { workDir: ctx.workDir, model: heavy, connections, warmupSeconds, durationSeconds, batching: ctx.batching },
    say,
  );
}
