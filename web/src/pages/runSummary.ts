/**
 * What a run document says of itself: its error (code, message and the details that name the
 * target), and its details, parameters and metrics.
 */
import type { Run } from '../api/types';
import { hashFor } from '../router';
import { h } from '../ui/dom';
import { durationBetween, formatDateTime, formatDuration, formatNumber } from '../ui/format';
import { card, keyValues, link } from '../ui/widgets';

/** The run's error as an alert; null when it has none. */
export function runErrorBox(run: Run): HTMLElement | null {
  return run.error
    ? h(
        'div',
        { class: 'error-box', role: 'alert', 'data-testid': 'run-error' },
        h('p', { class: 'error-title' }, `${run.status}: ${run.error.code}`),
        h('p', { class: 'error-message' }, run.error.message),
        run.error.details?.length
          ? h(
              'ul',
              { class: 'small' },
              ...run.error.details.map((d) =>
                h('li', {}, d.target ? h('code', {}, d.target) : null, d.target ? ': ' : '', d.message),
              ),
            )
          : null,
      )
    : null;
}

/** The Details card beside the Parameters and Metrics cards. */
export function runDetails(run: Run): HTMLElement {
  const params = Object.entries(run.parameters ?? {});
  const metrics = Object.entries(run.metrics ?? {});
  return h(
    'div',
    { class: 'grid-2' },
    card(
      'Details',
      keyValues([
        ['Kind', run.kind],
        ['Experiment', run.experiment ? link(hashFor(['runs'], { experiment: run.experiment }), run.experiment) : '—'],
        ['Pipeline', run.pipeline ?? '—'],
        ['Schedule', run.schedule ?? '—'],
        [
          'Parent run',
          run.parentRunId ? link(hashFor(['runs', run.parentRunId]), run.parentRunId, { class: 'mono' }) : '—',
        ],
        ['Created', formatDateTime(run.createdAt)],
        ['Started', formatDateTime(run.startedAt)],
        ['Ended', formatDateTime(run.endedAt)],
        ['Duration', formatDuration(durationBetween(run.startedAt, run.endedAt))],
      ]),
    ),
    h(
      'div',
      {},
      card(
        'Parameters',
        params.length
          ? keyValues(params.map(([k, v]) => [k, h('code', {}, String(v))] as const))
          : h('p', { class: 'muted' }, 'No parameters.'),
      ),
      card(
        'Metrics',
        metrics.length
          ? keyValues(metrics.map(([k, v]) => [k, formatNumber(v, 4)] as const))
          : h('p', { class: 'muted' }, 'No metrics yet.'),
      ),
    ),
  );
}
