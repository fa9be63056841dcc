/**
 * The Logs tab: the console of a deployment's replicas (`GET …/deployments/{d}/logs`), as Azure ML
 * studio's deployment logs show it — the last lines of each replica, named by replica, stderr
 * marked, secrets already redacted by the API. Read on demand (Refresh), not streamed.
 */
import { seg, type ApiClient } from '../api/client';
import type { DeploymentLogs, Endpoint } from '../api/types';
import { h, replace } from '../ui/dom';
import { formatClock } from '../ui/format';
import { emptyState, errorBox, loading } from '../ui/widgets';

const DEFAULT_LINES = 100;
const MAX_LINES = 5000;

function logView(logs: DeploymentLogs): HTMLElement {
  if (!logs.lines.length) return h('p', { class: 'muted' }, 'No lines from the replicas yet.');
  return h(
    'ul',
    { class: 'log replica-log', 'aria-label': `Logs of ${logs.endpoint}/${logs.deployment}` },
    ...logs.lines.map((l) =>
      h(
        'li',
        { class: `log-line level-${l.stream === 'stderr' ? 'error' : 'info'}`, 'data-stream': l.stream },
        h('span', { class: 'log-time' }, l.time ? formatClock(new Date(l.time)) : ''),
        h('span', { class: 'log-replica' }, l.replica),
        h('span', { class: 'log-message' }, l.text),
      ),
    ),
  );
}

export function mountLogs(host: HTMLElement, api: ApiClient, endpoint: Endpoint): () => void {
  if (endpoint.deployments.length === 0) {
    host.append(emptyState('No deployments yet.', 'Deploy a model to read its replicas\u2019 logs here.', []));
    return () => undefined;
  }
  let left = false;
  const deployment = h(
    'select',
    { id: 'logs-deployment', name: 'deployment' },
    ...endpoint.deployments.map((d) => h('option', { value: d.name }, d.name)),
  );
  const lines = h('input', {
    id: 'logs-lines',
    name: 'lines',
    type: 'number',
    min: '1',
    max: String(MAX_LINES),
    value: String(DEFAULT_LINES),
    inputmode: 'numeric',
  });
  const refresh = h('button', { type: 'submit', class: 'button primary' }, 'Refresh');
  const out = h('div', { 'aria-live': 'polite', class: 'logs-output' });
  const load = () => {
    const name = deployment.value;
    replace(out, loading(`Reading the logs of ${name}…`));
    const count = Math.min(MAX_LINES, Math.max(1, Math.trunc(Number(lines.value) || DEFAULT_LINES)));
    api.get<DeploymentLogs>(`/api/endpoints/${seg(endpoint.name)}/deployments/${seg(name)}/logs?lines=${count}`).then(
      (logs) => !left && replace(out, logView(logs)),
      (error: unknown) => !left && replace(out, errorBox(error, `Could not read the logs of ${name}`)),
    );
  };
  const form = h(
    'form',
    { class: 'toolbar', 'aria-label': 'Which logs' },
    h('label', { for: 'logs-deployment' }, 'Deployment '),
    deployment,
    h('label', { for: 'logs-lines' }, ' Last lines per replica '),
    lines,
    ' ',
    refresh,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    load();
  });
  deployment.addEventListener('change', load);
  host.append(
    h(
      'p',
      { class: 'muted small' },
      'What the replicas of a container or gpu deployment wrote to stdout and stderr, including replicas that ' +
        'failed to start or were replaced recently. Secrets are redacted.',
    ),
    form,
    out,
  );
  load();
  return () => {
    left = true;
  };
}
