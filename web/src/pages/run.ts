/**
 * One run: status, a live progress bar for batch jobs (mini-batches and rows done/failed), timing,
 * parameters, metrics, the error, the child runs of a pipeline run, the log (error lines first
 * class: they name the file and line), and the outputs. Refreshes every 2 s until the run ends. A
 * queued or running batch job or pipeline run can be canceled, after a confirmation.
 */
import { ApiError, seg, type ApiClient } from '../api/client';
import type { BatchJob, Datastore, List, Run, RunLogEntry } from '../api/types';
import { hashFor } from '../router';
import { isTerminalStatus } from '../../../shared/portable/runStatuses';
import { confirmDialog } from '../ui/confirm';
import { h, replace } from '../ui/dom';
import { durationBetween, formatClock, formatDateTime, formatDuration, formatNumber, formatTime } from '../ui/format';
import { poll } from '../ui/poller';
import {
  card,
  commandLine,
  crumbs,
  dataTable,
  errorBox,
  keyValues,
  link,
  loading,
  progressBar,
  statusBadge,
} from '../ui/widgets';
import type { Page } from './page';

const BATCH_KINDS = new Set(['batch', 'batch-score']);

function isPlace(value: unknown): value is { datastore: string; path: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { datastore?: unknown }).datastore === 'string' &&
    typeof (value as { path?: unknown }).path === 'string'
  );
}

/** The blob URL of a datastore path (a link; opening it may need storage credentials). */
function blobUrl(store: Datastore, path: string): string {
  const prefix = (store.prefix ?? '').replace(/^\/+|\/+$/g, '');
  const parts = [
    store.accountUrl.replace(/\/+$/, ''),
    store.container,
    ...(prefix ? [prefix] : []),
    path.replace(/^\/+/, ''),
  ];
  return parts.join('/');
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

function logView(entries: RunLogEntry[], errorsOnly: boolean): HTMLElement {
  const shown = errorsOnly ? entries.filter((e) => e.level === 'error' || e.level === 'warning') : entries;
  if (shown.length === 0)
    return h('p', { class: 'muted' }, errorsOnly ? 'No errors or warnings in the log.' : 'The log is empty.');
  return h(
    'ol',
    { class: 'log', tabindex: 0, 'aria-label': 'Run log' },
    ...shown.map((e) =>
      h(
        'li',
        { class: `log-line level-${(e.level ?? 'info').toLowerCase()}` },
        h('span', { class: 'log-time' }, formatClock(new Date(e.time))),
        h('span', { class: 'log-level' }, e.level ?? 'info'),
        h('span', { class: 'log-message' }, e.message),
      ),
    ),
  );
}

async function outputsView(api: ApiClient, outputs: Record<string, unknown>): Promise<HTMLElement> {
  const entries = Object.entries(outputs);
  if (entries.length === 0) return h('p', { class: 'muted' }, 'No outputs recorded.');
  const stores = new Map<string, Datastore | undefined>();
  for (const [, v] of entries) {
    if (isPlace(v) && !stores.has(v.datastore))
      stores.set(v.datastore, await api.get<Datastore>(`/api/datastores/${seg(v.datastore)}`).catch(() => undefined));
  }
  return h(
    'ul',
    { class: 'outputs' },
    ...entries.map(([name, v]) => {
      if (!isPlace(v)) return h('li', {}, h('strong', {}, name), ': ', h('code', {}, JSON.stringify(v)));
      const store = stores.get(v.datastore);
      return h(
        'li',
        {},
        h('strong', {}, name),
        ': ',
        store
          ? h(
              'a',
              { href: blobUrl(store, v.path), rel: 'noopener noreferrer', target: '_blank' },
              `${v.datastore}:${v.path}`,
            )
          : h('code', {}, `${v.datastore}:${v.path}`),
        commandLine(`sibyl download ${v.datastore}:${v.path}`),
      );
    }),
  );
}

export const runPage: Page = (root, ctx) => {
  const id = ctx.params.id ?? '';
  ctx.title(`Run ${id}`);
  const head = h('div', { class: 'title-row' }, h('h1', { class: 'mono' }, id));
  const errorArea = h('div');
  const progress = h('div', { 'aria-live': 'polite' });
  const details = h('div', {}, loading());
  const children = h('div');
  const outputs = h('div');
  const errorsOnly = h('input', { type: 'checkbox', id: 'log-errors-only' });
  const logs = h('div', {}, loading('Loading the log…'));
  const live = h('p', { class: 'muted small', role: 'status' });
  root.append(
    crumbs('#/runs', 'Runs', id),
    head,
    live,
    errorArea,
    progress,
    details,
    children,
    outputs,
    card(
      'Log',
      h('div', { class: 'toolbar' }, errorsOnly, h('label', { for: 'log-errors-only' }, 'Errors and warnings only')),
      logs,
    ),
  );
  let logEntries: RunLogEntry[] = [];
  errorsOnly.addEventListener('change', () => replace(logs, logView(logEntries, errorsOnly.checked)));
  let outputsShown = '';

  const cancel = async (run: Run) => {
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
      await ctx.api.send<Run>('POST', `/api/runs/${seg(run.id)}/cancel`);
    } catch (error) {
      replace(errorArea, errorBox(error, `Could not cancel ${run.id}`));
      return;
    }
    await tick();
  };
  const cancelButton = (run: Run): HTMLElement | null => {
    const cancelable =
      !isTerminalStatus(run.status) && (run.kind === 'pipeline' || (BATCH_KINDS.has(run.kind) && !run.parentRunId));
    if (!cancelable) return null;
    const button = h(
      'button',
      { type: 'button', class: 'button small danger-ghost', 'data-testid': 'cancel-run' },
      'Cancel run…',
    );
    button.addEventListener('click', () => void cancel(run));
    return button;
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
    replace(head, h('h1', { class: 'mono' }, run.id), statusBadge(run.status), cancelButton(run));
    const ended = isTerminalStatus(run.status);
    live.textContent = ended
      ? `Finished ${formatDateTime(run.endedAt)}.`
      : `Live · updated ${formatTime(new Date())} · refreshes every 2 s`;
    replace(
      errorArea,
      run.error
        ? h(
            'div',
            { class: 'error-box', role: 'alert', 'data-testid': 'run-error' },
            h('p', { class: 'error-title' }, `${run.status}: ${run.error.code}`),
            h('p', { class: 'error-message' }, run.error.message),
            run.error.details?.length
              ? h(
                  'ul',
                  { class: 'small' },
                  ...run.error.details.map((d) =>
                    h('li', {}, d.target ? h('code', {}, d.target) : null, d.target ? ': ' : '', d.message),
                  ),
                )
              : null,
          )
        : null,
    );
    if (BATCH_KINDS.has(run.kind)) {
      try {
        replace(progress, progressCard(await ctx.api.get<BatchJob>(`/api/batch/jobs/${seg(run.id)}`)));
      } catch (error) {
        replace(progress, card('Progress', errorBox(error, 'Could not load the job’s progress')));
      }
    }
    const params = Object.entries(run.parameters ?? {});
    const metrics = Object.entries(run.metrics ?? {});
    replace(
      details,
      h(
        'div',
        { class: 'grid-2' },
        card(
          'Details',
          keyValues([
            ['Kind', run.kind],
            [
              'Experiment',
              run.experiment ? link(hashFor(['runs'], { experiment: run.experiment }), run.experiment) : '—',
            ],
            ['Pipeline', run.pipeline ?? '—'],
            ['Schedule', run.schedule ?? '—'],
            [
              'Parent run',
              run.parentRunId ? link(hashFor(['runs', run.parentRunId]), run.parentRunId, { class: 'mono' }) : '—',
            ],
            ['Created', formatDateTime(run.createdAt)],
            ['Started', formatDateTime(run.startedAt)],
            ['Ended', formatDateTime(run.endedAt)],
            ['Duration', formatDuration(durationBetween(run.startedAt, run.endedAt))],
          ]),
        ),
        h(
          'div',
          {},
          card(
            'Parameters',
            params.length
              ? keyValues(params.map(([k, v]) => [k, h('code', {}, String(v))] as const))
              : h('p', { class: 'muted' }, 'No parameters.'),
          ),
          card(
            'Metrics',
            metrics.length
              ? keyValues(metrics.map(([k, v]) => [k, formatNumber(v, 4)] as const))
              : h('p', { class: 'muted' }, 'No metrics yet.'),
          ),
        ),
      ),
    );
    // Steps change status while the parent runs, so they are re-read on every refresh.
    if (run.children.length) {
      const runs = await Promise.all(
        run.children.map((c) =>
          ctx.api
            .get<Run>(`/api/runs/${seg(c)}`)
            .catch(() => ({ id: c, kind: '?', status: undefined }) as unknown as Run),
        ),
      );
      replace(
        children,
        card(
          'Steps (child runs)',
          dataTable(
            'Child runs',
            [
              { label: 'Run', cell: (r: Run) => link(hashFor(['runs', r.id]), r.id, { class: 'mono' }) },
              { label: 'Kind', cell: (r) => r.kind },
              { label: 'Status', cell: (r) => statusBadge(r.status) },
              {
                label: 'Duration',
                cell: (r) => formatDuration(durationBetween(r.startedAt, r.endedAt)),
                numeric: true,
              },
              { label: 'Error', cell: (r) => (r.error ? r.error.message : '—'), secondary: true },
            ],
            runs,
          ),
        ),
      );
    }
    const outKey = JSON.stringify(run.outputs ?? {});
    if (outKey !== outputsShown) {
      outputsShown = outKey;
      replace(outputs, card('Outputs', await outputsView(ctx.api, run.outputs ?? {})));
    }
    try {
      logEntries = (await ctx.api.get<List<RunLogEntry>>(`/api/runs/${seg(id)}/logs`)).value;
      replace(logs, logView(logEntries, errorsOnly.checked));
    } catch (error) {
      replace(logs, errorBox(error, 'Could not load the log'));
    }
    if (ended) poller.stop();
  };
  const poller = poll(tick, 2000);
  return () => poller.stop();
};
