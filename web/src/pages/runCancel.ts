/**
 * Canceling a run from its page: a queued or running pipeline run or top-level batch job, after a
 * confirmation that says what stops.
 */
import { seg, type ApiClient } from '../api/client';
import type { Run } from '../api/types';
import { isTerminalStatus } from '../../../shared/portable/runStatuses';
import { confirmDialog } from '../ui/confirm';
import { h } from '../ui/dom';
import { errorBox } from '../ui/widgets';
import { isBatchRun } from './runProgress';

interface CancelOutcome {
  /** The error box to show when the cancel was refused. */
  failed(box: HTMLElement): void;
  canceled(): Promise<void>;
}

async function cancel(api: ApiClient, run: Run, outcome: CancelOutcome): Promise<void> {
  const what = run.kind === 'pipeline' ? 'pipeline run' : 'batch job';
  const ok = await confirmDialog({
    title: `Cancel ${what} ${run.id}?`,
    message:
      run.kind === 'pipeline'
        ? 'The step in flight stops and the steps after it do not run. This cannot be undone.'
        : 'No new mini-batches start and no predictions file is written. This cannot be undone.',
    confirmLabel: `Cancel ${what}`,
    danger: true,
  });
  if (!ok) return;
  try {
    await api.send<Run>('POST', `/api/runs/${seg(run.id)}/cancel`);
  } catch (error) {
    outcome.failed(errorBox(error, `Could not cancel ${run.id}`));
    return;
  }
  await outcome.canceled();
}

/** The Cancel button of a run that can still be canceled; null for any other. */
export function cancelButton(api: ApiClient, run: Run, outcome: CancelOutcome): HTMLElement | null {
  const cancelable =
    !isTerminalStatus(run.status) && (run.kind === 'pipeline' || (isBatchRun(run) && !run.parentRunId));
  if (!cancelable) return null;
  const button = h(
    'button',
    { type: 'button', class: 'button small danger-ghost', 'data-testid': 'cancel-run' },
    'Cancel run…',
  );
  button.addEventListener('click', () => void cancel(api, run, outcome));
  return button;
}
