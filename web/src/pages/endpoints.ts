/** Endpoints: every real-time endpoint with its auth mode, traffic split and deployments. */
import type { Endpoint } from '../api/types';
import { COMMANDS } from '../commands';
import { badge } from '../ui/widgets';
import { namedListPage } from './namedListPage';

/** "blue 90% · green 10%", or a note when nothing receives traffic. */
export function trafficText(traffic: Record<string, number> | undefined, single?: string): string {
  const entries = Object.entries(traffic ?? {}).filter(([, p]) => p > 0);
  if (entries.length === 0) return single ? `${single} 100% (only deployment)` : 'no traffic';
  return entries.map(([d, p]) => `${d} ${p}%`).join(' · ');
}

export const endpointsPage = namedListPage<Endpoint>({
  title: 'Endpoints',
  collection: 'endpoints',
  columns: [
    { label: 'Auth', cell: (e) => badge(e.authMode) },
    {
      label: 'Traffic',
      cell: (e) => trafficText(e.traffic, e.deployments.length === 1 ? e.deployments[0]!.name : undefined),
    },
    { label: 'Deployments', cell: (e) => String(e.deployments.length), numeric: true },
    { label: 'Description', cell: (e) => e.description || '—', secondary: true },
  ],
  empty: {
    title: 'No endpoints yet.',
    text: 'Create an endpoint and deploy a registered model behind it:',
    commands: (ctx) => COMMANDS.createEndpoint(ctx.origin),
  },
  failure: 'Could not load endpoints',
});
