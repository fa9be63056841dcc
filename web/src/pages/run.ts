/**
 * One run: status, a live progress bar for batch jobs (mini-batches and rows done/failed), timing,
 * parameters, metrics, the error, the child runs of a pipeline run, the log (error lines first
 * class: they name the file and line), and the outputs. Refreshes every 2 s until the run ends. A
 * queued or running batch job or pipeline run can be canceled, after a confirmation. Each part has
 * its own module beside this one (runProgress, runSummary, runChildren, runOutputs, runLog, runCancel).
 */
import { ApiError, seg } from '../api/client';
import type { Run } from '../api/types';
import { isTerminalStatus } from '../../../shared/portable/runStatuses';
import { h, replace } from '../ui/dom';
import { formatDateTime, formatTime } from '../ui/format';
import { poll } from '../ui/poller';
import { crumbs, errorBox, loading, statusBadge } from '../ui/widgets';
import type { Page } from './page';
import { cancelButton } from './runCancel';
import { childRunsCard } from './runChildren';
import { runLogCard } from './runLog';
import { runOutputsCard } from './runOutputs';
import { isBatchRun, runProgressCard } from './runProgress';
import { runDetails, runErrorBox } from './runSummary';

export const runPage: Page = (root, ctx) => {
  const id = ctx.params.id ?? '';
  ctx.title(`Run ${id}`);
  const head = h('div', { class: 'title-row' }, h('h1', { class: 'mono' }, id));
  const errorArea = h('div');
  const progress = h('div', { 'aria-live': 'polite' });
  const details = h('div', {}, loading());
  const children = h('div');
  const outputs = runOutputsCard(ctx.api);
  const log = runLogCard(ctx.api, id);
  const live = h('p', { class: 'muted small', role: 'status' });
  root.append(
    crumbs('#/runs', 'Runs', id),
    head,
    live,
    errorArea,
    progress,
    details,
    children,
    outputs.element,
    log.element,
  );
  const afterCancel = {
    failed: (box: HTMLElement) => replace(errorArea, box),
    canceled: () => tick(),
  };

  const tick = async () => {
    let run: Run;
    try {
      run = await ctx.api.get<Run>(`/api/runs/${seg(id)}`);
    } catch (error) {
      replace(details, errorBox(error, `Could not load run ${id}`));
      if (error instanceof ApiError && error.status === 404 && !error.routeMissing) poller.stop();
      return;
    }
    replace(head, h('h1', { class: 'mono' }, run.id), statusBadge(run.status), cancelButton(ctx.api, run, afterCancel));
    const ended = isTerminalStatus(run.status);
    live.textContent = ended
      ? `Finished ${formatDateTime(run.endedAt)}.`
      : `Live · updated ${formatTime(new Date())} · refreshes every 2 s`;
    replace(errorArea, runErrorBox(run));
    if (isBatchRun(run)) replace(progress, await runProgressCard(ctx.api, run));
    replace(details, runDetails(run));
    // Steps change status while the parent runs, so they are re-read on every refresh.
    if (run.children.length) replace(children, await childRunsCard(ctx.api, run));
    await outputs.show(run.outputs ?? {});
    await log.refresh();
    if (ended) poller.stop();
  };
  const poller = poll(tick, 2000);
  return () => poller.stop();
};
