/** Read-side helpers over instance summaries: filtering for the query/purge APIs, waiting for completion. */
import type { EventEmitter } from 'node:events';
import { isTerminal } from './historyEvents';
import type { RuntimeStatus } from './historyEvents';
import type { InstanceSummary } from './instanceStore';

export interface InstanceQuery {
  runtimeStatus?: readonly RuntimeStatus[];
  createdTimeFrom?: Date;
  createdTimeTo?: Date;
  instanceIdPrefix?: string;
}

/** Summaries matching `query`, oldest first (ties by instance id), so paging is stable. */
export function filterInstances(summaries: Iterable<InstanceSummary>, query: InstanceQuery): InstanceSummary[] {
  const from = query.createdTimeFrom?.getTime();
  const to = query.createdTimeTo?.getTime();
  const statuses = query.runtimeStatus && query.runtimeStatus.length > 0 ? new Set(query.runtimeStatus) : undefined;
  return [...summaries]
    .filter((s) => {
      const created = Date.parse(s.createdTime);
      if (from !== undefined && created < from) return false;
      if (to !== undefined && created > to) return false;
      if (statuses && !statuses.has(s.status)) return false;
      return query.instanceIdPrefix === undefined || s.instanceId.startsWith(query.instanceIdPrefix);
    })
    .sort(
      (a, b) =>
        a.createdTime.localeCompare(b.createdTime) ||
        (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0),
    );
}

/**
 * Resolves with the instance's summary once it is terminal (`events` emits `terminal` summaries);
 * rejects for an unknown id or after `timeoutMs`.
 */
export function waitForTerminal(
  events: EventEmitter,
  find: (instanceId: string) => InstanceSummary | undefined,
  instanceId: string,
  timeoutMs: number,
): Promise<InstanceSummary> {
  return new Promise((resolve, reject) => {
    const settle = (): void => {
      clearTimeout(timer);
      events.off('terminal', listener);
    };
    const check = (): void => {
      const summary = find(instanceId);
      if (!summary) {
        settle();
        reject(new Error(`No orchestration instance '${instanceId}' exists.`));
      } else if (isTerminal(summary.status)) {
        settle();
        resolve(summary);
      }
    };
    const listener = (summary: InstanceSummary): void => {
      if (summary.instanceId === instanceId) check();
    };
    const timer = setTimeout(() => {
      settle();
      reject(
        new Error(
          `Instance '${instanceId}' did not finish within ${timeoutMs} ms (status ${find(instanceId)?.status ?? 'unknown'}).`,
        ),
      );
    }, timeoutMs);
    events.on('terminal', listener);
    check();
  });
}
