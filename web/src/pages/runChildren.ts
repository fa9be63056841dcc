/**
 * The steps of a pipeline run (its child runs) as a table: each one's kind, status, duration and
 * error, read again on every refresh because they change while the parent runs.
 */
import { seg, type ApiClient } from '../api/client';
import type { Run } from '../api/types';
import { hashFor } from '../router';
import { durationBetween, formatDuration } from '../ui/format';
import { card, dataTable, link, statusBadge } from '../ui/widgets';

/** The "Steps (child runs)" card; a child that cannot be read shows as an unknown kind without status. */
export async function childRunsCard(api: ApiClient, run: Run): Promise<HTMLElement> {
  const runs = await Promise.all(
    run.children.map((c) =>
      api.get<Run>(`/api/runs/${seg(c)}`).catch(() => ({ id: c, kind: '?', status: undefined }) as unknown as Run),
    ),
  );
  return card(
    'Steps (child runs)',
    dataTable(
      'Child runs',
      [
        { label: 'Run', cell: (r: Run) => link(hashFor(['runs', r.id]), r.id, { class: 'mono' }) },
        { label: 'Kind', cell: (r) => r.kind },
        { label: 'Status', cell: (r) => statusBadge(r.status) },
        {
          label: 'Duration',
          cell: (r) => formatDuration(durationBetween(r.startedAt, r.endedAt)),
          numeric: true,
        },
        { label: 'Error', cell: (r) => (r.error ? r.error.message : '—'), secondary: true },
      ],
      runs,
    ),
  );
}
