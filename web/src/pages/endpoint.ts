/**
 * One endpoint: its URIs and auth mode, then tabs — Overview (traffic and mirror split, the
 * deployments with model, environment (and a user-code runtime), code, batching and a failure's error,
 * live charts per deployment), Test, Keys, Monitors and Logs (the console of a deployment's replicas).
 * The tab is kept in the hash (`?tab=test`), so a link opens the same view.
 */
import { seg } from '../api/client';
import type { Deployment, Endpoint, Environment, List } from '../api/types';
import { COMMANDS, curlAndCli } from '../commands';
import { hashFor } from '../router';
import { h, replace } from '../ui/dom';
import {
  badge,
  card,
  commandLine,
  copyButton,
  crumbs,
  dataTable,
  emptyState,
  errorBox,
  keyValues,
  link,
  loading,
  statusBadge,
  tabs,
} from '../ui/widgets';
import { mountKeys } from './endpointKeys';
import { mountLogs } from './endpointLogs';
import { mountMonitor } from './endpointMonitor';
import { mountDrift } from './monitorDrift';
import { mountTest } from './endpointTestTab';
import type { Page } from './page';

function modelLink(ref: string): HTMLElement {
  const name = ref.replace(/[:@].*$/, '');
  return link(hashFor(['models', name]), ref);
}

function splitBar(label: string, split: Record<string, number>): HTMLElement {
  const entries = Object.entries(split).filter(([, p]) => p > 0);
  const bar = h('div', {
    class: 'split-bar',
    role: 'img',
    'aria-label': `${label}: ${entries.map(([d, p]) => `${d} ${p}%`).join(', ') || 'none'}`,
  });
  entries.forEach(([d, p], i) => {
    const part = h('span', { class: `split-part c${i % 4}`, title: `${d} ${p}%` }, `${d} ${p}%`);
    part.style.width = `${p}%`;
    bar.append(part);
  });
  return bar;
}

function trafficCard(endpoint: Endpoint): HTMLElement {
  const traffic =
    Object.keys(endpoint.traffic).length === 0 && endpoint.deployments.length === 1
      ? { [endpoint.deployments[0]!.name]: 100 }
      : endpoint.traffic;
  const mirror = endpoint.mirrorTraffic ?? {};
  return card(
    'Traffic',
    Object.values(traffic).some((p) => p > 0)
      ? splitBar('Live traffic', traffic)
      : h('p', { class: 'muted' }, 'No deployment receives live traffic.'),
    Object.keys(mirror).length
      ? h(
          'div',
          {},
          h('h3', {}, 'Mirrored traffic'),
          h(
            'p',
            { class: 'muted small' },
            'A copy of this share of live requests also goes to these deployments; their answers are discarded.',
          ),
          splitBar('Mirrored traffic', mirror),
        )
      : h('p', { class: 'muted small' }, 'No traffic is mirrored.'),
  );
}

/** The runtime of each environment reference (`name@version`, and `name` for its latest version). */
type Runtimes = ReadonlyMap<string, string>;

function runtimesOf(environments: readonly Environment[]): Runtimes {
  const runtimes = new Map<string, string>();
  // Listed by name, then version: the last of a name is its latest.
  for (const e of environments) {
    runtimes.set(`${e.name}@${e.version}`, e.runtime ?? 'onnx');
    runtimes.set(e.name, e.runtime ?? 'onnx');
  }
  return runtimes;
}

function environmentCell(d: Deployment, runtimes: Runtimes): HTMLElement {
  const runtime = runtimes.get(d.environment);
  return h(
    'span',
    {},
    d.environment,
    // ONNX is the default and says nothing new; user code names its runtime.
    runtime && runtime !== 'onnx'
      ? h('span', { class: 'muted small', 'data-testid': 'deployment-runtime' }, ` (${runtime})`)
      : null,
  );
}

/** The code asset and scoring script a user-code deployment runs. */
function codeCell(d: Deployment): HTMLElement | string {
  if (!d.code) return '—';
  return h(
    'span',
    { 'data-testid': 'deployment-code' },
    h('code', {}, d.code.code),
    d.code.scoringScript ? h('span', {}, ' · ', h('code', {}, d.code.scoringScript)) : null,
  );
}

/** The state, and why it failed (an init() traceback's last lines for user code). */
function stateCell(d: Deployment): HTMLElement {
  const state = statusBadge(d.provisioningState ?? 'Unknown');
  if (!d.error) return state;
  return h('span', {}, state, h('pre', { class: 'muted small deployment-error' }, d.error));
}

function deploymentsCard(endpoint: Endpoint, origin: string, runtimes: Runtimes): HTMLElement {
  if (endpoint.deployments.length === 0) {
    return card(
      'Deployments',
      emptyState(
        'No deployments yet.',
        'Deploy a registered model version behind this endpoint:',
        curlAndCli(COMMANDS.createDeployment(origin, endpoint.name)),
      ),
    );
  }
  const batching = (d: Deployment) => {
    const b = d.batching ?? {};
    const rows = b.maxBatchSize === undefined ? 'default batch size' : `up to ${b.maxBatchSize} rows`;
    const wait = b.maxQueueDelayMs === undefined ? 'default wait' : `wait ≤ ${b.maxQueueDelayMs} ms`;
    return `${rows}, ${wait}`;
  };
  const instances = (d: Deployment) => {
    const i = d.instance ?? {};
    const range =
      i.minInstances === undefined && i.maxInstances === undefined
        ? 'default'
        : `${i.minInstances ?? 0}–${i.maxInstances ?? 'auto'}`;
    return i.maxConcurrentRequestsPerInstance
      ? `${range}, ${i.maxConcurrentRequestsPerInstance} concurrent each`
      : range;
  };
  return card(
    'Deployments',
    dataTable(
      `Deployments of ${endpoint.name}`,
      [
        { label: 'Name', cell: (d: Deployment) => h('code', {}, d.name) },
        { label: 'State', cell: stateCell },
        {
          label: 'Model',
          cell: (d) =>
            h(
              'span',
              {},
              modelLink(d.model),
              d.resolvedModel && d.resolvedModel !== d.model
                ? h('span', { class: 'muted small' }, ` → ${d.resolvedModel}`)
                : null,
            ),
        },
        { label: 'Environment', cell: (d) => environmentCell(d, runtimes) },
        // Only endpoints with user code get the column.
        ...(endpoint.deployments.some((d) => d.code) ? [{ label: 'Code', cell: codeCell }] : []),
        { label: 'Batching', cell: batching },
        { label: 'Instances', cell: instances, secondary: true },
        {
          label: 'Timeout',
          cell: (d) => (d.requestTimeoutMs ? `${d.requestTimeoutMs} ms` : 'default'),
          secondary: true,
        },
        {
          label: 'Traffic',
          cell: (d) => {
            const share = endpoint.traffic[d.name] ?? (endpoint.deployments.length === 1 ? 100 : 0);
            const mirror = endpoint.mirrorTraffic?.[d.name];
            return `${share}%${mirror ? ` (+${mirror}% mirror)` : ''}`;
          },
          numeric: true,
        },
      ],
      endpoint.deployments,
    ),
  );
}

const TABS = [
  { id: 'overview', label: 'Overview' },
  { id: 'test', label: 'Test' },
  { id: 'keys', label: 'Keys' },
  { id: 'monitors', label: 'Monitors' },
  { id: 'logs', label: 'Logs' },
];

export const endpointPage: Page = (root, ctx) => {
  const name = ctx.params.name ?? '';
  ctx.title(`Endpoint ${name}`);
  const body = h('div', {}, loading());
  root.append(crumbs('#/endpoints', 'Endpoints', name), body);
  let leaveTab: (() => void) | undefined;
  let left = false;

  // The environments only add each deployment's runtime: the page shows without them.
  const environments = ctx.api.get<List<Environment>>('/api/environments').then(
    (list) => runtimesOf(list.value),
    () => new Map<string, string>(),
  );
  Promise.all([ctx.api.get<Endpoint>(`/api/endpoints/${seg(name)}`), environments]).then(
    ([endpoint, runtimes]) => {
      if (left) return;
      const tabLabel = (id: string) =>
        id === 'keys' && endpoint.authMode !== 'key'
          ? { id, label: endpoint.authMode === 'token' ? 'Tokens' : 'Credentials' }
          : TABS.find((t) => t.id === id)!;
      replace(
        body,
        h('div', { class: 'title-row' }, h('h1', {}, endpoint.name), badge(`auth: ${endpoint.authMode}`)),
        endpoint.description ? h('p', { class: 'lead' }, endpoint.description) : null,
        keyValues([
          [
            'Scoring URI',
            h(
              'span',
              { class: 'uri' },
              h('code', {}, endpoint.scoringUri),
              copyButton(() => endpoint.scoringUri),
            ),
          ],
          [
            'Open Inference',
            h(
              'span',
              { class: 'uri' },
              h('code', {}, endpoint.openInferenceUri),
              copyButton(() => endpoint.openInferenceUri),
            ),
          ],
        ]),
        tabs(
          TABS.map((t) => tabLabel(t.id)),
          ctx.query.get('tab') ?? 'overview',
          (id, panel) => {
            leaveTab?.();
            panel.replaceChildren();
            history.replaceState(
              null,
              '',
              hashFor(['endpoints', endpoint.name], { tab: id === 'overview' ? undefined : id }),
            );
            if (id === 'test') leaveTab = mountTest(panel, ctx.api, endpoint);
            else if (id === 'keys') leaveTab = mountKeys(panel, ctx.api, endpoint);
            else if (id === 'monitors') leaveTab = mountDrift(panel, ctx.api, endpoint);
            else if (id === 'logs') leaveTab = mountLogs(panel, ctx.api, endpoint);
            else {
              panel.append(
                h(
                  'div',
                  { class: 'grid-2' },
                  trafficCard(endpoint),
                  card(
                    'Call it',
                    commandLine(COMMANDS.score(endpoint.scoringUri)),
                    h(
                      'p',
                      { class: 'muted small' },
                      'Get the key from the Keys tab, or build a request in the Test tab.',
                    ),
                  ),
                ),
                deploymentsCard(endpoint, ctx.origin, runtimes),
              );
              const charts = card('Monitoring');
              panel.append(charts);
              leaveTab = mountMonitor(charts, ctx.api, endpoint);
            }
          },
          'endpoint-tab',
        ),
      );
    },
    (error: unknown) => replace(body, h('h1', {}, name), errorBox(error, `Could not load endpoint ${name}`)),
  );
  return () => {
    left = true;
    leaveTab?.();
  };
};
