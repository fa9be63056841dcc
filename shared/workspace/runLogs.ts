/**
 * The log of a run: lines in Cosmos (container `runLogs`, partition key `/runId`). A line written
 * with a `key` is an upsert under that id, so an activity that is retried or replayed rewrites its
 * lines instead of duplicating them.
 *
 * @example await appendRunLog('batch-1', [{ level: 'warning', message: 'in/a.csv line 7: not a number', key: 'mb3-e0' }]);
 */
import { randomBytes } from 'node:crypto';
import type { RunLogs } from '../api/schemas';
import { getContainer } from '../storage/cosmosDatabase';
import { queryDocs } from '../storage/queryDocs';
import { readRun } from './runStore';

export interface RunLogLine {
  level?: 'info' | 'warning' | 'error';
  message: string;
  /** A stable id for idempotent writes (unique within the run). */
  key?: string;
  /** Defaults to now. */
  time?: string;
}

interface RunLogDoc {
  id: string;
  runId: string;
  time: string;
  level: string;
  message: string;
}

const logs = () => getContainer('runLogs');

/** Writes log lines of `runId` (a few at a time, in parallel). */
export async function appendRunLog(runId: string, lines: readonly RunLogLine[]): Promise<void> {
  const now = new Date().toISOString();
  const docs: RunLogDoc[] = lines.map((line) => ({
    id: line.key ?? `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`,
    runId,
    time: line.time ?? now,
    level: line.level ?? 'info',
    message: line.message.slice(0, 2000),
  }));
  for (let i = 0; i < docs.length; i += 16) {
    await Promise.all(docs.slice(i, i + 16).map((doc) => logs().items.upsert(doc)));
  }
}

/** The log of a run, oldest first (at most `limit` lines). Throws RunNotFound. */
export async function getRunLogs(runId: string, limit = 1000): Promise<RunLogs> {
  await readRun(runId);
  const resources = await queryDocs<RunLogDoc>(
    logs(),
    'SELECT TOP @limit c.time, c.level, c.message FROM c WHERE c.runId = @runId ORDER BY c.time',
    { '@limit': limit, '@runId': runId },
    runId,
  );
  return { runId, value: resources.map((r) => ({ time: r.time, level: r.level, message: r.message })) };
}
