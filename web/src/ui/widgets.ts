/**
 * The dashboard's building blocks: cards, tables, badges, progress bars, tabs, copyable command
 * lines, empty states and error boxes. All text goes through `h()`, so API values stay text.
 */
import { ApiError } from '../api/client';
import { h, icon, type Child } from './dom';

/** A titled section. */
export function card(title: Child, ...content: Child[]): HTMLElement {
  return h('section', { class: 'card' }, title ? h('h2', { class: 'card-title' }, title) : null, ...content);
}

/** A run or deployment status as a coloured badge; the word itself carries the meaning. */
export function statusBadge(status: string | undefined): HTMLElement {
  const s = status ?? 'Unknown';
  return h('span', { class: `badge status status-${s.toLowerCase()}` }, s);
}

/** A neutral badge (aliases, auth modes, tags). */
export function badge(text: string, kind = ''): HTMLElement {
  return h('span', { class: `badge ${kind}`.trim() }, text);
}

/** A button that copies `text()` to the clipboard and says so. */
export function copyButton(text: () => string, label = 'Copy'): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'button small ghost', title: label }, label);
  button.addEventListener('click', () => {
    const done = (message: string) => {
      button.textContent = message;
      setTimeout(() => (button.textContent = label), 1500);
    };
    if (!navigator.clipboard) return done('Copy not allowed');
    navigator.clipboard.writeText(text()).then(
      () => done('Copied'),
      () => done('Copy not allowed'),
    );
  });
  return button;
}

/** A command line (curl, CLI) the user can copy. */
export function commandLine(line: string, label?: string): HTMLElement {
  return h(
    'div',
    { class: 'command' },
    label ? h('div', { class: 'command-label' }, label) : null,
    h('pre', {}, h('code', {}, line)),
    copyButton(() => line),
  );
}

/** What to do when a list is empty: a sentence and the commands that fill it. */
export function emptyState(
  title: string,
  text: string,
  commands: { label?: string; line: string }[] = [],
): HTMLElement {
  return h(
    'div',
    { class: 'empty' },
    h('p', { class: 'empty-title' }, title),
    h('p', {}, text),
    ...commands.map((c) => commandLine(c.line, c.label)),
  );
}

/** An API failure in words: what failed, the API's message and code, and its details. */
export function errorBox(error: unknown, what = 'The request failed'): HTMLElement {
  const api = error instanceof ApiError ? error : undefined;
  const message = api ? api.message : error instanceof Error ? error.message : String(error);
  return h(
    'div',
    { class: 'error-box', role: 'alert' },
    h('p', { class: 'error-title' }, what),
    h('p', { class: 'error-message' }, message),
    api && api.status
      ? h('p', { class: 'muted small' }, `HTTP ${api.status} · ${api.code}${api.path ? ` · ${api.path}` : ''}`)
      : null,
    api?.routeMissing
      ? h(
          'p',
          { class: 'small' },
          'This Sibyl does not serve that API route yet; the page will work once the function app that has it is deployed.',
        )
      : null,
    api?.details?.length
      ? h(
          'ul',
          { class: 'small' },
          ...api.details.map((d) =>
            h('li', {}, d.target ? h('code', {}, d.target) : null, d.target ? ': ' : '', d.message),
          ),
        )
      : null,
  );
}

/** A "Loading…" line for a region that is waiting for the API. */
export function loading(text = 'Loading…'): HTMLElement {
  return h('p', { class: 'muted loading', role: 'status' }, text);
}

export interface Column<T> {
  label: string;
  cell: (row: T) => Child;
  /** Right-aligned numbers. */
  numeric?: boolean;
  /** Hidden on phone-width screens. */
  secondary?: boolean;
}

/** A table in a horizontally scrolling wrapper (phones), with a caption for screen readers. */
export function dataTable<T>(caption: string, columns: Column<T>[], rows: readonly T[]): HTMLElement {
  const cls = (c: Column<T>) =>
    [c.numeric ? 'num' : '', c.secondary ? 'secondary' : ''].filter(Boolean).join(' ') || null;
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, ...columns.map((c) => h('th', { scope: 'col', class: cls(c) }, c.label)))),
      h('tbody', {}, ...rows.map((row) => h('tr', {}, ...columns.map((c) => h('td', { class: cls(c) }, c.cell(row)))))),
    ),
  );
}

/** Label/value pairs. */
export function keyValues(pairs: readonly (readonly [string, Child])[]): HTMLElement {
  return h('dl', { class: 'kv' }, ...pairs.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? '—')]));
}

/** A progress bar with its numbers written out (the bar alone says nothing to a screen reader). */
export function progressBar(done: number, total: number, label: string, failed = 0): HTMLElement {
  const pct = total > 0 ? Math.min(100, Math.round((done / total) * 100)) : 0;
  const failedPct = total > 0 ? Math.min(100 - pct, Math.round((failed / total) * 100)) : 0;
  const bar = h(
    'div',
    {
      class: 'progress',
      role: 'progressbar',
      'aria-label': label,
      'aria-valuemin': 0,
      'aria-valuemax': 100,
      'aria-valuenow': pct,
      'aria-valuetext': `${pct}%`,
    },
    h('div', { class: 'progress-done' }),
    h('div', { class: 'progress-failed' }),
  );
  (bar.children[0] as HTMLElement).style.width = `${pct}%`;
  (bar.children[1] as HTMLElement).style.width = `${failedPct}%`;
  return h('div', { class: 'progress-block' }, bar, h('span', { class: 'progress-text' }, `${pct}%`));
}

/** A link to an in-page route. */
export function link(href: string, text: Child, props: Record<string, string> = {}): HTMLAnchorElement {
  return h('a', { href, ...props }, text);
}

/** The breadcrumb of a page about one item: a link back to its list, then the item. */
export function crumbs(listHref: string, listLabel: string, item: string): HTMLElement {
  return h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, link(listHref, listLabel), ' / ', item);
}

export interface Tab {
  id: string;
  label: string;
}

/**
 * ARIA tabs: Left/Right/Home/End move between them, the active one is the only tab stop.
 * `onSelect` renders the panel; the returned element holds the tab list and the panel.
 */
export function tabs(
  list: readonly Tab[],
  active: string,
  onSelect: (id: string, panel: HTMLElement) => void,
  idPrefix = 'tab',
): HTMLElement {
  const panel = h('div', { class: 'tab-panel', role: 'tabpanel', tabindex: 0 });
  const buttons = list.map((t) =>
    h(
      'button',
      {
        type: 'button',
        role: 'tab',
        id: `${idPrefix}-${t.id}`,
        class: 'tab',
        'aria-controls': `${idPrefix}-panel`,
        'data-tab': t.id,
      },
      t.label,
    ),
  );
  panel.id = `${idPrefix}-panel`;
  const select = (id: string, focus: boolean) => {
    for (const b of buttons) {
      const on = b.dataset.tab === id;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
      if (on) {
        panel.setAttribute('aria-labelledby', b.id);
        if (focus) b.focus();
      }
    }
    onSelect(id, panel);
  };
  const tablist = h('div', { class: 'tabs', role: 'tablist' }, ...buttons);
  tablist.addEventListener('click', (e) => {
    const b = (e.target as HTMLElement).closest<HTMLButtonElement>('[role=tab]');
    if (b?.dataset.tab) select(b.dataset.tab, false);
  });
  tablist.addEventListener('keydown', (e) => {
    const i = buttons.findIndex((b) => b === document.activeElement);
    if (i < 0) return;
    const next =
      e.key === 'ArrowRight'
        ? (i + 1) % buttons.length
        : e.key === 'ArrowLeft'
          ? (i - 1 + buttons.length) % buttons.length
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? buttons.length - 1
              : -1;
    if (next < 0) return;
    e.preventDefault();
    select(buttons[next]!.dataset.tab!, true);
  });
  select(list.some((t) => t.id === active) ? active : list[0]!.id, false);
  return h('div', { class: 'tabs-block' }, tablist, panel);
}

/** Icons (Material Symbols paths, drawn inline: nothing is fetched). */
export const ICONS = {
  overview: 'M3 13h8V3H3v10zm0 8h8v-6H3v6zm10 0h8V11h-8v10zm0-18v6h8V3h-8z',
  models:
    'M12 2 2 7l10 5 10-5-10-5zm0 7.5L4.5 6 12 3l7.5 3L12 9.5zM2 17l10 5 10-5-2-1-8 4-8-4-2 1zm0-5 10 5 10-5-2-1-8 4-8-4-2 1z',
  endpoints: 'M4 4h16v6H4V4zm2 2v2h2V6H6zm-2 8h16v6H4v-6zm2 2v2h2v-2H6z',
  runs: 'M8 5v14l11-7L8 5z',
  pipelines: 'M4 6h4v4H4V6zm6 1h4v2h-4V7zm6-1h4v4h-4V6zM10 15h4v2h-4v-2zm-6-1h4v4H4v-4zm12 0h4v4h-4v-4z',
  signOut: 'M10 17v-3H3v-4h7V7l5 5-5 5zm9-14H11v2h8v14h-8v2h8a2 2 0 0 0 2-2V5a2 2 0 0 0-2-2z',
} as const;

export { icon };
