/** Models: every registered model with its latest version and aliases. */
import type { List, Model } from '../api/types';
import { COMMANDS } from '../commands';
import { hashFor } from '../router';
import { h, replace } from '../ui/dom';
import { formatDateTime } from '../ui/format';
import { badge, dataTable, emptyState, errorBox, link, loading } from '../ui/widgets';
import type { Page } from './page';

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

export const modelsPage: Page = (root, ctx) => {
  ctx.title('Models');
  const body = h('div', {}, loading());
  root.append(h('h1', {}, 'Models'), body);
  ctx.api.get<List<Model>>('/api/models').then(
    ({ value }) => {
      if (value.length === 0) {
        const c = COMMANDS.registerModel(ctx.origin);
        replace(
          body,
          emptyState(
            'No models registered yet.',
            'Register an ONNX file; each upload under the same name becomes the next version.',
            [
              { label: 'curl', line: c.curl },
              { label: 'CLI', line: c.cli },
            ],
          ),
        );
        return;
      }
      const sorted = [...value].sort((a, b) => a.name.localeCompare(b.name));
      replace(
        body,
        dataTable(
          'Registered models',
          [
            { label: 'Name', cell: (m: Model) => link(hashFor(['models', m.name]), m.name) },
            { label: 'Latest', cell: (m) => `v${m.latestVersion}`, numeric: true },
            { label: 'Aliases', cell: (m) => aliasBadges(m.aliases) },
            { label: 'Description', cell: (m) => m.description || '—', secondary: true },
            { label: 'Updated', cell: (m) => formatDateTime(m.updatedAt ?? m.createdAt), secondary: true },
          ],
          sorted,
        ),
      );
    },
    (error: unknown) => replace(body, errorBox(error, 'Could not load models')),
  );
};
