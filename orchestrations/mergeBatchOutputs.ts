/** Activity: merges the partial outputs into `predictions.csv` (append_row) or writes `summary.json`. */
import * as df from 'durable-functions';
import { mergeOutputs, writeSummary } from '../shared/batch/outputMerger';

export const mergeBatchOutputs = df.app.activity('mergeBatchOutputs', {
  handler: async (input: { jobId: string; summary?: Record<string, unknown> }): Promise<{ rows: number }> => {
    if (!input.summary) return mergeOutputs(input.jobId);
    await writeSummary(input.jobId, input.summary);
    return { rows: 0 };
  },
});
