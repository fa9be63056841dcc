/**
 * A run's log card: every line, or only the error and warning lines (they name the file and line),
 * re-read on each refresh of the page.
 */
import { seg, type ApiClient } from '../api/client';
import type { List, RunLogEntry } from '../api/types';
import { h, replace } from '../ui/dom';
import { formatClock } from '../ui/format';
import { card, errorBox, loading } from '../ui/widgets';

function logView(entries: RunLogEntry[], errorsOnly: boolean): HTMLElement {
  const shown = errorsOnly ? entries.filter((e) => e.level === 'error' || e.level === 'warning') : entries;
  if (shown.length === 0)
    return h('p', { class: 'muted' }, errorsOnly ? 'No errors or warnings in the log.' : 'The log is empty.');
  return h(
    'ol',
    { class: 'log', tabindex: 0, 'aria-label': 'Run log' },
    ...shown.map((e) =>
      h(
        'li',
        { class: `log-line level-${(e.level ?? 'info').toLowerCase()}` },
        h('span', { class: 'log-time' }, formatClock(new Date(e.time))),
        h('span', { class: 'log-level' }, e.level ?? 'info'),
        h('span', { class: 'log-message' }, e.message),
      ),
    ),
  );
}

/** The Log card, and `refresh` that reads the run's log into it. */
export function runLogCard(api: ApiClient, id: string): { element: HTMLElement; refresh(): Promise<void> } {
  const errorsOnly = h('input', { type: 'checkbox', id: 'log-errors-only' });
  const logs = h('div', {}, loading('Loading the log…'));
  let logEntries: RunLogEntry[] = [];
  errorsOnly.addEventListener('change', () => replace(logs, logView(logEntries, errorsOnly.checked)));
  const element = card(
    'Log',
    h('div', { class: 'toolbar' }, errorsOnly, h('label', { for: 'log-errors-only' }, 'Errors and warnings only')),
    logs,
  );
  const refresh = async () => {
    try {
      logEntries = (await api.get<List<RunLogEntry>>(`/api/runs/${seg(id)}/logs`)).value;
      replace(logs, logView(logEntries, errorsOnly.checked));
    } catch (error) {
      replace(logs, errorBox(error, 'Could not load the log'));
    }
  };
  return { element, refresh };
}
