/**
 * A schedule's history: the runs it started (run documents carry `schedule` and, in `details`, the
 * schedule's `scheduleUid`, `fireTime`, `late` and the changed blob's `path`), newest first. The run
 * documents are the one record of a fire, so the status shown is always the run's current one.
 *
 * @example const history = await scheduleHistory(doc, 20); // [{ fireTime, runId, status, late? }]
 */
import type { RunStatus, ScheduleFiring } from '../api/schemas';
import { getContainer } from '../storage/cosmosDatabase';
import type { ScheduleDoc } from './scheduleDocuments';

/** Fires shown per schedule. */
export const HISTORY_LENGTH = 50;

interface FireRow {
  id: string;
  status: RunStatus;
  createdAt: string;
  details?: { fireTime?: string; late?: boolean; path?: string; scheduleUid?: string };
}

export async function scheduleHistory(
  doc: Pick<ScheduleDoc, 'name' | 'uid'>,
  limit = HISTORY_LENGTH,
): Promise<ScheduleFiring[]> {
  const { resources } = await getContainer('runs')
    .items.query<FireRow>({
      query:
        'SELECT TOP @limit c.id, c.status, c.createdAt, c.details FROM c ' +
        "WHERE c.type = 'run' AND c.kind = 'pipeline' AND c.schedule = @name AND c.details.scheduleUid = @uid " +
        'ORDER BY c.createdAt DESC',
      parameters: [
        { name: '@limit', value: limit },
        { name: '@name', value: doc.name },
        { name: '@uid', value: doc.uid },
      ],
    })
    .fetchAll();
  return resources.map((row) => ({
    fireTime: row.details?.fireTime ?? row.createdAt,
    runId: row.id,
    status: row.status,
    ...(row.details?.late ? { late: true } : {}),
    ...(row.details?.path ? { path: row.details.path } : {}),
  }));
}
