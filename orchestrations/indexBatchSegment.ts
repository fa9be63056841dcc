/** Activity: finds the line starts of one segment of a large CSV/JSONL file (rows mode). */
import * as df from 'durable-functions';
import { indexJobSegment } from '../shared/batch/jobPlanner';

export const indexBatchSegment = df.app.activity('indexBatchSegment', {
  handler: (input: { jobId: string; index: number }): Promise<{ rows: number; miniBatches: number }> => indexJobSegment(input.jobId, input.index),
});
