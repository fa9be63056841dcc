/**
 * Runs and jobs: batch jobs, pipeline runs and their steps, newest first, filterable by experiment,
 * status and kind (the filters live in the hash), refreshed every 5 s.
 */
import { RUN_STATUSES, type Experiment, type List, type Run } from '../api/types';
import { COMMANDS } from '../commands';
import { hashFor } from '../router';
import { h, replace } from '../ui/dom';
import { durationBetween, formatDuration, formatRelative } from '../ui/format';
import { poll } from '../ui/poller';
import { dataTable, emptyState, errorBox, link, loading, statusBadge } from '../ui/widgets';
import type { Page } from './page';

const KINDS = ['batch', 'pipeline', 'batch-score', 'copy', 'move'];

function select(
  id: string,
  label: string,
  options: readonly string[],
  value: string,
  anyLabel: string,
): { row: HTMLElement; el: HTMLSelectElement } {
  const el = h(
    'select',
    { id, name: id },
    h('option', { value: '' }, anyLabel),
    ...options.map((o) => h('option', { value: o, selected: o === value }, o)),
  );
  return { row: h('div', { class: 'filter' }, h('label', { for: id }, label), el), el };
}

export const runsPage: Page = (root, ctx) => {
  ctx.title('Runs');
  const filters = {
    experiment: ctx.query.get('experiment') ?? '',
    status: ctx.query.get('status') ?? '',
    kind: ctx.query.get('kind') ?? '',
  };
  const experiment = select(
    'filter-experiment',
    'Experiment',
    filters.experiment ? [filters.experiment] : [],
    filters.experiment,
    'All experiments',
  );
  const status = select('filter-status', 'Status', RUN_STATUSES, filters.status, 'Any status');
  const kind = select('filter-kind', 'Kind', KINDS, filters.kind, 'Any kind');
  const summary = h('p', { class: 'muted small', role: 'status' });
  const body = h('div', {}, loading());
  root.append(
    h('h1', {}, 'Runs and jobs'),
    h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter runs' }, experiment.row, status.row, kind.row),
    summary,
    body,
  );

  ctx.api.get<List<Experiment>>('/api/experiments').then(
    ({ value }) => {
      for (const e of value.sort((a, b) => a.name.localeCompare(b.name))) {
        if (e.name !== filters.experiment)
          experiment.el.append(h('option', { value: e.name }, `${e.name} (${e.runCount})`));
      }
    },
    () => undefined, // The list still works without experiment names; the runs request reports errors.
  );

  const tick = async () => {
    const query = new URLSearchParams({ top: '200' });
    if (filters.experiment) query.set('experiment', filters.experiment);
    if (filters.status) query.set('status', filters.status);
    if (filters.kind) query.set('kind', filters.kind);
    try {
      const { value: runs } = await ctx.api.get<List<Run>>(`/api/runs?${query.toString()}`);
      summary.textContent = `${runs.length} run${runs.length === 1 ? '' : 's'} · refreshes every 5 s`;
      if (runs.length === 0) {
        replace(
          body,
          !filters.experiment && !filters.status && !filters.kind
            ? emptyState('No runs yet.', 'Runs appear when a batch job or pipeline starts. Start a batch job:', [
                { label: 'curl', line: COMMANDS.submitBatch(ctx.origin) },
              ])
            : h('p', { class: 'muted' }, 'No run matches these filters.'),
        );
        return;
      }
      replace(
        body,
        dataTable(
          'Runs',
          [
            { label: 'Run', cell: (r: Run) => link(hashFor(['runs', r.id]), r.id, { class: 'mono' }) },
            { label: 'Kind', cell: (r) => r.kind },
            { label: 'Status', cell: (r) => statusBadge(r.status) },
            { label: 'Experiment', cell: (r) => r.experiment ?? '—', secondary: true },
            { label: 'Created', cell: (r) => formatRelative(r.createdAt) },
            {
              label: 'Duration',
              cell: (r) => formatDuration(durationBetween(r.startedAt, r.endedAt)),
              numeric: true,
              secondary: true,
            },
            {
              label: 'Parent',
              cell: (r) =>
                r.parentRunId ? link(hashFor(['runs', r.parentRunId]), r.parentRunId, { class: 'mono' }) : '—',
              secondary: true,
            },
          ],
          runs,
        ),
      );
    } catch (error) {
      summary.textContent = '';
      replace(body, errorBox(error, 'Could not load runs'));
    }
  };
  const poller = poll(tick, 5000);
  const onChange = () => {
    filters.experiment = experiment.el.value;
    filters.status = status.el.value;
    filters.kind = kind.el.value;
    history.replaceState(null, '', hashFor(['runs'], filters));
    replace(body, loading());
    poller.refresh();
  };
  for (const s of [experiment.el, status.el, kind.el]) s.addEventListener('change', onChange);
  return () => poller.stop();
};
