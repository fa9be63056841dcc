/** Models: every registered model with its latest version and aliases. */
import type { Model } from '../api/types';
import { COMMANDS } from '../commands';
import { h } from '../ui/dom';
import { formatDateTime } from '../ui/format';
import { badge } from '../ui/widgets';
import { namedListPage } from './namedListPage';

/** Alias badges, `latest` first. */
export function aliasBadges(aliases: Record<string, number>, version?: number): HTMLElement {
  const names = Object.entries(aliases)
    .filter(([, v]) => version === undefined || v === version)
    .sort(([a], [b]) => (a === 'latest' ? -1 : b === 'latest' ? 1 : a.localeCompare(b)));
  return h(
    'span',
    { class: 'badges' },
    ...names.map(([name, v]) => badge(version === undefined ? `${name} → ${v}` : name, 'alias')),
  );
}

export const modelsPage = namedListPage<Model>({
  title: 'Models',
  collection: 'models',
  caption: 'Registered models',
  columns: [
    { label: 'Latest', cell: (m) => `v${m.latestVersion}`, numeric: true },
    { label: 'Aliases', cell: (m) => aliasBadges(m.aliases) },
    { label: 'Description', cell: (m) => m.description || '—', secondary: true },
    { label: 'Updated', cell: (m) => formatDateTime(m.updatedAt ?? m.createdAt), secondary: true },
  ],
  empty: {
    title: 'No models registered yet.',
    text: 'Register an ONNX file; each upload under the same name becomes the next version.',
    commands: (ctx) => COMMANDS.registerModel(ctx.origin),
  },
  failure: 'Could not load models',
});
