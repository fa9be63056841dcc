/** Endpoints: every real-time endpoint with its auth mode, traffic split and deployments. */
import type { Endpoint, List } from '../api/types';
import { COMMANDS } from '../commands';
import { hashFor } from '../router';
import { h, replace } from '../ui/dom';
import { badge, dataTable, emptyState, errorBox, link, loading } from '../ui/widgets';
import type { Page } from './page';

/** "blue 90% · green 10%", or a note when nothing receives traffic. */
export function trafficText(traffic: Record<string, number> | undefined, single?: string): string {
  const entries = Object.entries(traffic ?? {}).filter(([, p]) => p > 0);
  if (entries.length === 0) return single ? `${single} 100% (only deployment)` : 'no traffic';
  return entries.map(([d, p]) => `${d} ${p}%`).join(' · ');
}

export const endpointsPage: Page = (root, ctx) => {
  ctx.title('Endpoints');
  const body = h('div', {}, loading());
  root.append(h('h1', {}, 'Endpoints'), body);
  ctx.api.get<List<Endpoint>>('/api/endpoints').then(
    ({ value }) => {
      if (value.length === 0) {
        const c = COMMANDS.createEndpoint(ctx.origin);
        replace(
          body,
          emptyState('No endpoints yet.', 'Create an endpoint and deploy a registered model behind it:', [
            { label: 'curl', line: c.curl },
            { label: 'CLI', line: c.cli },
          ]),
        );
        return;
      }
      const sorted = [...value].sort((a, b) => a.name.localeCompare(b.name));
      replace(
        body,
        dataTable(
          'Endpoints',
          [
            { label: 'Name', cell: (e: Endpoint) => link(hashFor(['endpoints', e.name]), e.name) },
            { label: 'Auth', cell: (e) => badge(e.authMode) },
            {
              label: 'Traffic',
              cell: (e) => trafficText(e.traffic, e.deployments.length === 1 ? e.deployments[0]!.name : undefined),
            },
            { label: 'Deployments', cell: (e) => String(e.deployments.length), numeric: true },
            { label: 'Description', cell: (e) => e.description || '—', secondary: true },
          ],
          sorted,
        ),
      );
    },
    (error: unknown) => replace(body, errorBox(error, 'Could not load endpoints')),
  );
};
