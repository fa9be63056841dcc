/**
 * A batch job's live progress on its run's page: mini-batches done of all (succeeded and failed) as a
 * bar, and the rows scored and failed.
 */
import { seg, type ApiClient } from '../api/client';
import type { BatchJob, Run } from '../api/types';
import { h } from '../ui/dom';
import { formatNumber } from '../ui/format';
import { card, errorBox, keyValues, progressBar } from '../ui/widgets';

const BATCH_KINDS = new Set(['batch', 'batch-score']);

/** A batch job's run (the job itself, or a mini-batch's run under it): it has a job's progress. */
export function isBatchRun(run: Run): boolean {
  return BATCH_KINDS.has(run.kind);
}

function progressCard(job: BatchJob): HTMLElement {
  const p = job.progress;
  const done = p.succeeded + p.failed;
  return card(
    'Progress',
    progressBar(p.succeeded, p.totalMiniBatches, 'Mini-batches done', p.failed),
    keyValues([
      [
        'Mini-batches',
        h(
          'span',
          { 'data-testid': 'minibatches' },
          `${formatNumber(done, 0)} of ${formatNumber(p.totalMiniBatches, 0)} done ` +
            `(${formatNumber(p.succeeded, 0)} succeeded, ${formatNumber(p.failed, 0)} failed)`,
        ),
      ],
      ['Rows scored', formatNumber(p.rowsScored, 0)],
      ['Rows failed', formatNumber(p.rowsFailed, 0)],
      ['Output', `${job.output.datastore}:${job.output.path}`],
    ]),
  );
}

/** The Progress card of a batch run, or the error of reading its job. */
export async function runProgressCard(api: ApiClient, run: Run): Promise<HTMLElement> {
  try {
    return progressCard(await api.get<BatchJob>(`/api/batch/jobs/${seg(run.id)}`));
  } catch (error) {
    return card('Progress', errorBox(error, 'Could not load the job’s progress'));
  }
}
