/**
 * Overview: how many models, endpoints, deployments and runs (by status) there are; requests and
 * errors of the last hour across every endpoint; the runs that failed most recently. Refreshes
 * every 15 s. Each region loads on its own, so one failing route does not blank the page.
 */
import { seg } from '../api/client';
import { RUN_STATUSES, type Endpoint, type EndpointMetrics, type List, type Model, type Run } from '../api/types';
import { timeChart } from '../charts/timeChart';
import { COMMANDS, curlAndCli } from '../commands';
import { minuteGrid, sumRequests, toColumns, totals } from '../metrics';
import { hashFor } from '../router';
import { h, replace } from '../ui/dom';
import { formatRelative, plural } from '../ui/format';
import { poll } from '../ui/poller';
import { card, dataTable, emptyState, errorBox, link, loading, statusBadge } from '../ui/widgets';
import type { Page } from './page';

/** Metrics are fetched for at most this many endpoints (one request each). */
const MAX_ENDPOINTS_CHARTED = 25;

function stat(label: string, value: string, href?: string): HTMLElement {
  const body = [h('span', { class: 'stat-value' }, value), h('span', { class: 'stat-label' }, label)];
  return href ? h('a', { class: 'stat', href }, ...body) : h('div', { class: 'stat' }, ...body);
}

export const overviewPage: Page = (root, ctx) => {
  ctx.title('Overview');
  const stats = h('div', { class: 'stats', 'aria-live': 'polite' }, loading());
  const runStats = h('div', {}, loading());
  const chart = timeChart(
    'Requests and errors per minute, last hour, all endpoints',
    [
      { label: 'requests', color: '--chart-1' },
      { label: 'errors', color: '--chart-err' },
    ],
    'req',
  );
  const trafficNote = h('p', { class: 'muted small' });
  const failed = h('div', {}, loading());
  const start = h('div');
  root.append(
    h('h1', {}, 'Overview'),
    start,
    stats,
    card('Runs by status', runStats),
    card('Traffic', trafficNote, chart.element),
    card('Recently failed runs', failed),
  );

  const loadResources = async () => {
    try {
      const [models, endpoints] = await Promise.all([
        ctx.api.get<List<Model>>('/api/models'),
        ctx.api.get<List<Endpoint>>('/api/endpoints'),
      ]);
      const deployments = endpoints.value.reduce((n, e) => n + e.deployments.length, 0);
      replace(
        stats,
        stat('Models', String(models.value.length), '#/models'),
        stat('Endpoints', String(endpoints.value.length), '#/endpoints'),
        stat('Deployments', String(deployments), '#/endpoints'),
      );
      replace(
        start,
        models.value.length === 0
          ? card(
              'Get started',
              emptyState(
                'No models registered yet.',
                'Register an ONNX model, then deploy it behind an endpoint:',
                curlAndCli(COMMANDS.registerModel(ctx.origin)),
              ),
            )
          : null,
      );
      await loadTraffic(endpoints.value);
    } catch (error) {
      replace(stats, errorBox(error, 'Could not load models and endpoints'));
    }
  };

  const loadTraffic = async (endpoints: Endpoint[]) => {
    const grid = minuteGrid(60);
    const charted = endpoints.slice(0, MAX_ENDPOINTS_CHARTED);
    const results = await Promise.allSettled(
      charted.map((e) => ctx.api.get<EndpointMetrics>(`/api/endpoints/${seg(e.name)}/metrics?minutes=60`)),
    );
    const series = results.flatMap((r) =>
      r.status === 'fulfilled' ? Object.values(r.value.deployments).map((points) => toColumns(points, grid)) : [],
    );
    const sum = sumRequests(series, grid);
    chart.update(grid, [sum.requests, sum.errors]);
    const t = totals(sum);
    const failures = results.filter((r) => r.status === 'rejected').length;
    trafficNote.textContent =
      endpoints.length === 0
        ? 'No endpoints yet: traffic appears here once one serves requests.'
        : `${plural(t.requests, 'request')} and ${plural(t.errors, 'error')} in the last hour ` +
          `across ${plural(charted.length, 'endpoint')}` +
          (endpoints.length > charted.length ? ` (the first ${charted.length} of ${endpoints.length})` : '') +
          (failures ? `; metrics of ${failures} endpoint${failures === 1 ? '' : 's'} could not be read` : '') +
          '.';
  };

  const loadRuns = async () => {
    try {
      const runs = await ctx.api.get<List<Run>>('/api/runs?top=1000');
      const counts = Object.fromEntries(RUN_STATUSES.map((s) => [s, 0])) as Record<string, number>;
      for (const r of runs.value) counts[r.status] = (counts[r.status] ?? 0) + 1;
      replace(
        runStats,
        runs.value.length === 0
          ? emptyState('No runs yet.', 'Batch jobs and pipeline runs show up here. Start a batch job:', [
              { label: 'curl', line: COMMANDS.submitBatch(ctx.origin) },
            ])
          : h(
              'div',
              { class: 'stats' },
              ...RUN_STATUSES.map((s) => stat(s, String(counts[s] ?? 0), hashFor(['runs'], { status: s }))),
            ),
      );
    } catch (error) {
      replace(runStats, errorBox(error, 'Could not load runs'));
    }
    try {
      const recent = await ctx.api.get<List<Run>>('/api/runs?status=Failed&top=5');
      replace(
        failed,
        recent.value.length === 0
          ? h('p', { class: 'muted' }, 'No failed runs.')
          : dataTable(
              'Recently failed runs',
              [
                { label: 'Run', cell: (r: Run) => link(hashFor(['runs', r.id]), r.id) },
                { label: 'Kind', cell: (r) => r.kind },
                { label: 'Status', cell: (r) => statusBadge(r.status) },
                { label: 'Ended', cell: (r) => formatRelative(r.endedAt ?? r.createdAt), secondary: true },
                { label: 'Error', cell: (r) => (r.error ? `${r.error.code}: ${r.error.message}` : '—') },
              ],
              recent.value,
            ),
      );
    } catch (error) {
      replace(failed, errorBox(error, 'Could not load failed runs'));
    }
  };

  const poller = poll(() => Promise.all([loadResources(), loadRuns()]).then(() => undefined), 15_000);
  return () => {
    poller.stop();
    chart.destroy();
  };
};
