/**
 * Sub-orchestration: one chunk of a large batch job (indexing segments, or scoring mini-batches), so
 * no orchestration's history grows past a few hundred tasks.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import type { BatchScoringInput } from '../shared/batch/batchTally';
import { indexSegments, scoreMiniBatches, type ScoreRange } from './batch/phases';

export type ChunkInput = { job: BatchScoringInput } & ({ phase: 'index'; from: number; to: number } | ({ phase: 'score' } & ScoreRange));

export const batchScoringChunk = df.app.orchestration('batchScoringChunk', function* (context: OrchestrationContext) {
  const input = context.df.getInput() as ChunkInput;
  if (input.phase === 'index') return yield* indexSegments(context, input.job, input.from, input.to);
  return yield* scoreMiniBatches(context, input.job, input);
});
