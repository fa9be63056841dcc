/**
 * A run's outputs: plain values as JSON, and datastore places as links to their blobs with the
 * `sibyl download` line that fetches them.
 */
import { seg, type ApiClient } from '../api/client';
import type { Datastore } from '../api/types';
import { h, replace } from '../ui/dom';
import { card, commandLine } from '../ui/widgets';

function isPlace(value: unknown): value is { datastore: string; path: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { datastore?: unknown }).datastore === 'string' &&
    typeof (value as { path?: unknown }).path === 'string'
  );
}

/** The blob URL of a datastore path (a link; opening it may need storage credentials). */
function blobUrl(store: Datastore, path: string): string {
  const prefix = (store.prefix ?? '').replace(/^\/+|\/+$/g, '');
  const parts = [
    store.accountUrl.replace(/\/+$/, ''),
    store.container,
    ...(prefix ? [prefix] : []),
    path.replace(/^\/+/, ''),
  ];
  return parts.join('/');
}

async function outputsView(api: ApiClient, outputs: Record<string, unknown>): Promise<HTMLElement> {
  const entries = Object.entries(outputs);
  if (entries.length === 0) return h('p', { class: 'muted' }, 'No outputs recorded.');
  const stores = new Map<string, Datastore | undefined>();
  for (const [, v] of entries) {
    if (isPlace(v) && !stores.has(v.datastore))
      stores.set(v.datastore, await api.get<Datastore>(`/api/datastores/${seg(v.datastore)}`).catch(() => undefined));
  }
  return h(
    'ul',
    { class: 'outputs' },
    ...entries.map(([name, v]) => {
      if (!isPlace(v)) return h('li', {}, h('strong', {}, name), ': ', h('code', {}, JSON.stringify(v)));
      const store = stores.get(v.datastore);
      return h(
        'li',
        {},
        h('strong', {}, name),
        ': ',
        store
          ? h(
              'a',
              { href: blobUrl(store, v.path), rel: 'noopener noreferrer', target: '_blank' },
              `${v.datastore}:${v.path}`,
            )
          : h('code', {}, `${v.datastore}:${v.path}`),
        commandLine(`sibyl download ${v.datastore}:${v.path}`),
      );
    }),
  );
}

/** The Outputs card, and `show` that renders a run's outputs into it when they changed since the last time. */
export function runOutputsCard(api: ApiClient): {
  element: HTMLElement;
  show(outputs: Record<string, unknown>): Promise<void>;
} {
  const element = h('div');
  let shown = '';
  const show = async (outputs: Record<string, unknown>) => {
    const key = JSON.stringify(outputs);
    if (key === shown) return;
    shown = key;
    replace(element, card('Outputs', await outputsView(api, outputs)));
  };
  return { element, show };
}
