/**
 * Per-deployment charts of an endpoint — requests and errors, p50/p95/p99 latency, mean batch size
 * per minute — refreshed every 10 s from `GET api/endpoints/{name}/metrics`.
 */
import type { ApiClient } from '../api/client';
import { seg } from '../api/client';
import type { Endpoint, EndpointMetrics } from '../api/types';
import { timeChart, type TimeChart } from '../charts/timeChart';
import { minuteGrid, toColumns, totals, type MinuteColumns } from '../metrics';
import { h, replace } from '../ui/dom';
import { formatNumber, formatTime, plural } from '../ui/format';
import { poll } from '../ui/poller';
import { errorBox } from '../ui/widgets';

const WINDOWS = [
  { minutes: 15, label: '15 min' },
  { minutes: 60, label: '1 hour' },
  { minutes: 360, label: '6 hours' },
  { minutes: 1440, label: '24 hours' },
] as const;

const REFRESH_MS = 10_000;

interface DeploymentCharts {
  element: HTMLElement;
  summary: HTMLElement;
  charts: [TimeChart, TimeChart, TimeChart];
}

function deploymentCharts(name: string): DeploymentCharts {
  const charts: [TimeChart, TimeChart, TimeChart] = [
    timeChart('Requests and errors per minute', [{ label: 'requests', color: '--chart-1' }, { label: 'errors', color: '--chart-err' }], 'req'),
    timeChart('Latency (ms)', [{ label: 'p50', color: '--chart-1' }, { label: 'p95', color: '--chart-2' }, { label: 'p99', color: '--chart-3' }], 'ms'),
    timeChart('Mean batch size (rows per model run)', [{ label: 'batch', color: '--chart-2' }], 'rows'),
  ];
  const summary = h('p', { class: 'muted small' });
  const element = h('section', { class: 'deployment-charts', 'data-deployment': name }, h('h3', {}, 'Deployment ', h('code', {}, name)), summary, h('div', { class: 'chart-grid' }, ...charts.map((c) => c.element)));
  return { element, summary, charts };
}

function lastValue(values: (number | null)[]): number | null {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null) return values[i]!;
  return null;
}

function describe(cols: MinuteColumns, minutes: number): string {
  const t = totals(cols);
  const p95 = lastValue(cols.p95);
  return `${plural(t.requests, 'request')}, ${plural(t.errors, 'error')} in the last ${minutes} min` + (p95 === null ? '.' : `; latest p95 ${formatNumber(p95)} ms.`);
}

/** Mounts the charts into `host`; returns the function that stops refreshing. */
export function mountMonitor(host: HTMLElement, api: ApiClient, endpoint: Endpoint): () => void {
  let minutes = 60;
  const select = h('select', { id: 'metrics-window' }, ...WINDOWS.map((w) => h('option', { value: w.minutes, selected: w.minutes === minutes }, w.label)));
  const status = h('span', { class: 'muted small live', role: 'status' }, 'Loading metrics…');
  const error = h('div');
  const list = h('div', { class: 'deployment-chart-list' });
  host.append(h('div', { class: 'toolbar' }, h('label', { for: 'metrics-window' }, 'Window'), select, status), error, list);
  const byName = new Map<string, DeploymentCharts>();

  const tick = async () => {
    try {
      const metrics = await api.get<EndpointMetrics>(`/api/endpoints/${seg(endpoint.name)}/metrics?minutes=${minutes}`);
      replace(error);
      const grid = minuteGrid(minutes);
      const names = [...new Set([...endpoint.deployments.map((d) => d.name), ...Object.keys(metrics.deployments)])];
      if (names.length === 0) {
        replace(list, h('p', { class: 'muted' }, 'No deployments yet: charts appear once a deployment serves requests.'));
        byName.clear();
      }
      for (const name of names) {
        let entry = byName.get(name);
        if (!entry) {
          entry = deploymentCharts(name);
          byName.set(name, entry);
          list.append(entry.element);
        }
        const cols = toColumns(metrics.deployments[name] ?? [], grid);
        entry.charts[0].update(cols.times, [cols.requests, cols.errors]);
        entry.charts[1].update(cols.times, [cols.p50, cols.p95, cols.p99]);
        entry.charts[2].update(cols.times, [cols.batch]);
        entry.summary.textContent = describe(cols, minutes);
      }
      status.textContent = `Live · updated ${formatTime(new Date())} · refreshes every ${REFRESH_MS / 1000} s`;
    } catch (e) {
      replace(error, errorBox(e, 'Could not load metrics'));
      status.textContent = `Last attempt ${formatTime(new Date())} failed; retrying every ${REFRESH_MS / 1000} s`;
    }
  };
  const poller = poll(tick, REFRESH_MS);
  select.addEventListener('change', () => {
    minutes = Number(select.value);
    poller.refresh();
  });
  return () => {
    poller.stop();
    for (const entry of byName.values()) entry.charts.forEach((c) => c.destroy());
  };
}
