/**
 * Per-deployment charts of an endpoint — requests and errors, p50/p95/p99 latency, mean batch size
 * per minute — refreshed every 10 s from `GET api/endpoints/{name}/metrics`; for `container`/`gpu`
 * deployments also their replica count, sampled from `GET …/deployments/{d}` at each refresh.
 */
import type { ApiClient } from '../api/client';
import { seg } from '../api/client';
import type { Deployment, Endpoint, EndpointMetrics } from '../api/types';
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
  /** Ready and desired replicas over time (since the page opened), next to the latency chart. */
  replicas?: { chart: TimeChart; times: number[]; ready: number[]; desired: number[] };
}

/** Samples kept per replica chart: an hour at one every 10 s. */
const REPLICA_SAMPLES = 360;

/** Appends a replica-count sample when the deployment runs replicas of its own. */
async function sampleReplicas(api: ApiClient, endpoint: string, name: string, entry: DeploymentCharts): Promise<void> {
  const deployment = await api.get<Deployment>(`/api/endpoints/${seg(endpoint)}/deployments/${seg(name)}`);
  if (!deployment.scale) return;
  if (!entry.replicas) {
    const chart = timeChart(
      'Replicas',
      [
        { label: 'ready', color: '--chart-1' },
        { label: 'desired', color: '--chart-3' },
      ],
      'replicas',
    );
    entry.charts[1].element.after(chart.element);
    entry.replicas = { chart, times: [], ready: [], desired: [] };
  }
  const r = entry.replicas;
  r.times.push(Date.now());
  r.ready.push(deployment.scale.readyReplicas);
  r.desired.push(deployment.scale.desiredReplicas);
  for (const series of [r.times, r.ready, r.desired]) series.splice(0, Math.max(0, series.length - REPLICA_SAMPLES));
  r.chart.update(r.times, [r.ready, r.desired]);
}

function deploymentCharts(name: string): DeploymentCharts {
  const charts: [TimeChart, TimeChart, TimeChart] = [
    timeChart(
      'Requests and errors per minute',
      [
        { label: 'requests', color: '--chart-1' },
        { label: 'errors', color: '--chart-err' },
      ],
      'req',
    ),
    timeChart(
      'Latency (ms)',
      [
        { label: 'p50', color: '--chart-1' },
        { label: 'p95', color: '--chart-2' },
        { label: 'p99', color: '--chart-3' },
      ],
      'ms',
    ),
    timeChart('Mean batch size (rows per model run)', [{ label: 'batch', color: '--chart-2' }], 'rows'),
  ];
  const summary = h('p', { class: 'muted small' });
  const element = h(
    'section',
    { class: 'deployment-charts', 'data-deployment': name },
    h('h3', {}, 'Deployment ', h('code', {}, name)),
    summary,
    h('div', { class: 'chart-grid' }, ...charts.map((c) => c.element)),
  );
  return { element, summary, charts };
}

function lastValue(values: (number | null)[]): number | null {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null) return values[i]!;
  return null;
}

function describe(cols: MinuteColumns, minutes: number): string {
  const t = totals(cols);
  const p95 = lastValue(cols.p95);
  return (
    `${plural(t.requests, 'request')}, ${plural(t.errors, 'error')} in the last ${minutes} min` +
    (p95 === null ? '.' : `; latest p95 ${formatNumber(p95)} ms.`)
  );
}

/** Mounts the charts into `host`; returns the function that stops refreshing. */
export function mountMonitor(host: HTMLElement, api: ApiClient, endpoint: Endpoint): () => void {
  let minutes = 60;
  const select = h(
    'select',
    { id: 'metrics-window' },
    ...WINDOWS.map((w) => h('option', { value: w.minutes, selected: w.minutes === minutes }, w.label)),
  );
  const status = h('span', { class: 'muted small live', role: 'status' }, 'Loading metrics…');
  const error = h('div');
  const list = h('div', { class: 'deployment-chart-list' });
  host.append(
    h('div', { class: 'toolbar' }, h('label', { for: 'metrics-window' }, 'Window'), select, status),
    error,
    list,
  );
  const byName = new Map<string, DeploymentCharts>();

  const tick = async () => {
    try {
      const metrics = await api.get<EndpointMetrics>(`/api/endpoints/${seg(endpoint.name)}/metrics?minutes=${minutes}`);
      replace(error);
      const grid = minuteGrid(minutes);
      const names = [...new Set([...endpoint.deployments.map((d) => d.name), ...Object.keys(metrics.deployments)])];
      if (names.length === 0) {
        replace(
          list,
          h('p', { class: 'muted' }, 'No deployments yet: charts appear once a deployment serves requests.'),
        );
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
      await Promise.all(
        [...byName]
          .filter(([name]) => names.includes(name))
          .map(([name, entry]) => sampleReplicas(api, endpoint.name, name, entry).catch(() => undefined)),
      );
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
    for (const entry of byName.values()) {
      entry.charts.forEach((c) => c.destroy());
      entry.replicas?.chart.destroy();
    }
  };
}
