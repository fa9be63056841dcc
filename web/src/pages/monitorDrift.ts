/**
 * The Monitors tab of an endpoint: for each deployment, its monitors with each signal's values over
 * time (from the monitor's run history), then per feature the baseline and current histograms of the
 * latest run overlaid, drifted features highlighted. Refreshed every 30 s from `GET api/monitors`.
 */
import type { ApiClient } from '../api/client';
import { hashFor } from '../router';
import type { Endpoint } from '../api/types';
import type { FeatureResult, Monitor } from '../../../shared/api/schemas';
import { binShares, signalSeries } from '../monitorSeries';
import { timeChart, type TimeChart } from '../charts/timeChart';
import { h, replace } from '../ui/dom';
import { formatDateTime, formatNumber, formatTime } from '../ui/format';
import { poll } from '../ui/poller';
import { badge, card, commandLine, errorBox, link } from '../ui/widgets';

const REFRESH_MS = 30_000;
const COLOURS = ['--chart-1', '--chart-2', '--chart-3', '--chart-err'];

/** Baseline and current shares per bin, drawn as two overlaid bars in each column. */
export function histogramOverlay(feature: FeatureResult): HTMLElement {
  const { labels, baseline: base, current } = binShares(feature.histogram);
  const top = Math.max(0.0001, ...base, ...current);
  const bars = base.map((b, i) => {
    const label = `${labels[i] ?? ''}: baseline ${formatNumber(b * 100, 1)}%, current ${formatNumber((current[i] ?? 0) * 100, 1)}%`;
    const column = h('div', { class: 'hist-bin', title: label, role: 'listitem', 'aria-label': label });
    const baseBar = h('span', { class: 'hist-bar baseline' });
    const currentBar = h('span', { class: 'hist-bar current' });
    baseBar.style.height = `${(b / top) * 100}%`;
    currentBar.style.height = `${((current[i] ?? 0) / top) * 100}%`;
    column.append(baseBar, currentBar);
    return column;
  });
  const value =
    feature.value === null
      ? 'no data on one side'
      : `${feature.metric} ${formatNumber(feature.value, 4)} (threshold ${feature.threshold})`;
  return h(
    'figure',
    {
      class: `feature-hist${feature.drifted ? ' drifted' : ''}`,
      'data-feature': feature.name,
      'data-signal': feature.signal,
    },
    h(
      'figcaption',
      {},
      h('code', {}, feature.name),
      ' ',
      feature.drifted ? badge('drifted', 'status-failed') : null,
      h('span', { class: 'muted small' }, ` ${value}`),
    ),
    h(
      'div',
      { class: 'hist-plot', role: 'list', 'aria-label': `${feature.name}: baseline and current distributions` },
      ...bars,
    ),
  );
}

interface MonitorView {
  element: HTMLElement;
  charts: TimeChart[];
}

function monitorView(monitor: Monitor): MonitorView {
  const charts: TimeChart[] = [];
  const chartEls = signalSeries(monitor).map((series) => {
    const chart = timeChart(
      `${series.signal} (${series.metric}) over time`,
      series.features.map((label, i) => ({ label, color: COLOURS[i % COLOURS.length]! })),
      series.metric,
    );
    charts.push(chart);
    // Drawn once the element is in the page, so the chart takes its width.
    queueMicrotask(() => chart.update(series.times, series.values));
    return chart.element;
  });
  const result = monitor.lastResult;
  const element = h(
    'section',
    { class: 'monitor', 'data-monitor': monitor.name },
    h(
      'h3',
      {},
      'Monitor ',
      h('code', {}, monitor.name),
      ' ',
      result
        ? result.drifted.length
          ? badge(`${result.drifted.length} drifted`, 'status-failed')
          : badge('no drift', 'status-completed')
        : badge('not run yet'),
    ),
    h(
      'p',
      { class: 'muted small' },
      `Baseline ${monitor.baseline.datastore}:${monitor.baseline.path} · window ${monitor.window ?? 'PT24H'}`,
      result
        ? [
            ' · last run ',
            link(hashFor(['runs', result.runId]), formatDateTime(result.completedAt)),
            ` over ${result.rows.inputs} input rows`,
          ]
        : null,
    ),
    monitor.history.length ? h('div', { class: 'chart-grid' }, ...chartEls) : null,
    result
      ? h(
          'p',
          { class: 'muted small' },
          h('span', { class: 'swatch baseline' }),
          ' baseline ',
          h('span', { class: 'swatch current' }),
          ' current window; drifted features first, outlined',
        )
      : null,
    result
      ? h(
          'div',
          { class: 'hist-grid' },
          ...[...result.features].sort((a, b) => Number(b.drifted) - Number(a.drifted)).map(histogramOverlay),
        )
      : commandLine(`sibyl monitors run ${monitor.name} --wait`),
  );
  return { element, charts };
}

/** Mounts the tab into `host`; returns the function that stops refreshing. */
export function mountDrift(host: HTMLElement, api: ApiClient, endpoint: Endpoint): () => void {
  const status = h('span', { class: 'muted small live', role: 'status' }, 'Loading monitors…');
  const list = h('div', { class: 'monitor-list' });
  host.append(h('div', { class: 'toolbar' }, status), list);
  let views: MonitorView[] = [];
  const tick = async () => {
    try {
      const { value } = await api.get<{ value: Monitor[] }>('/api/monitors');
      const mine = value.filter((m) => m.endpoint === endpoint.name);
      views.forEach((v) => v.charts.forEach((c) => c.destroy()));
      views = mine.map(monitorView);
      const byDeployment = endpoint.deployments.map((d) => d.name).filter((d) => mine.some((m) => m.deployment === d));
      replace(
        list,
        mine.length === 0
          ? card(
              'No monitors',
              h(
                'p',
                { class: 'muted' },
                'Collect what a deployment scores (dataCollection in its spec), then watch it drift from its training data:',
              ),
              commandLine(
                `sibyl monitors create ${endpoint.name}-drift --deployment ${endpoint.name}/${endpoint.deployments[0]?.name ?? 'blue'}` +
                  ` --baseline workspaceblobstore:training/data.csv`,
              ),
            )
          : byDeployment.map((d) =>
              card(
                h('span', {}, 'Deployment ', h('code', {}, d)),
                ...views.filter((_, i) => mine[i]!.deployment === d).map((v) => v.element),
              ),
            ),
      );
      status.textContent = `Updated ${formatTime(new Date())} · refreshes every ${REFRESH_MS / 1000} s`;
    } catch (e) {
      replace(list, errorBox(e, 'Could not load monitors'));
    }
  };
  const poller = poll(tick, REFRESH_MS);
  return () => {
    poller.stop();
    views.forEach((v) => v.charts.forEach((c) => c.destroy()));
  };
}
