/**
 * Sub-orchestration: one chunk of a large batch job's mini-batches, so no orchestration's history
 * grows past a few hundred tasks.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import type { BatchScoringInput } from '../shared/batch/batchTally';
import { scoreMiniBatches, type ScoreRange } from './batch/phases';

export type ChunkInput = { job: BatchScoringInput } & ScoreRange;

export const batchScoringChunk = df.app.orchestration('batchScoringChunk', function* (context: OrchestrationContext) {
  const input = context.df.getInput<ChunkInput>();
  return yield* scoreMiniBatches(context, input.job, input);
});
