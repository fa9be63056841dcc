/**
 * Listing runs (newest first, filtered by experiment, status and kind, paged with continuation tokens)
 * and experiments (aggregated in code: the Cosmos emulator has no GROUP BY, and Azure charges for it).
 *
 * @example const page = await listRuns({ experiment: 'nightly', top: 20 }); // page.continuationToken → next page
 */
import type { Experiment, RunStatus } from '../api/schemas';
import { SibylError } from '../errors';
import { getContainer } from '../storage/cosmosDatabase';
import type { RunDoc } from './runDocuments';

export interface RunFilter {
  experiment?: string;
  status?: RunStatus;
  kind?: string;
  parentRunId?: string;
  /** Page size (default 100). */
  top?: number;
  continuationToken?: string;
}

const runs = () => getContainer('runs');

/** One page of runs, newest first; `continuationToken` is set when there are more. */
export async function listRuns(filter: RunFilter = {}): Promise<{ runs: RunDoc[]; continuationToken?: string }> {
  const where = ["c.type = 'run'"];
  const parameters: { name: string; value: string }[] = [];
  for (const [field, value] of [
    ['experiment', filter.experiment],
    ['status', filter.status],
    ['kind', filter.kind],
    ['parentRunId', filter.parentRunId],
  ] as const) {
    if (value === undefined) continue;
    where.push(`c.${field} = @${field}`);
    parameters.push({ name: `@${field}`, value });
  }
  const query = { query: `SELECT * FROM c WHERE ${where.join(' AND ')} ORDER BY c.createdAt DESC`, parameters };
  try {
    const page = await runs()
      .items.query<RunDoc>(query, {
        maxItemCount: filter.top ?? 100,
        ...(filter.continuationToken ? { continuationToken: filter.continuationToken } : {}),
      })
      .fetchNext();
    return { runs: page.resources, ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}) };
  } catch (error) {
    if (filter.continuationToken && (error as { code?: number }).code === 400) {
      throw new SibylError('InvalidInput', 'The continuation token is not valid; start again without it.');
    }
    throw error;
  }
}

/** Every experiment with its run count and last run time, by name. */
export async function listExperiments(): Promise<Experiment[]> {
  const byName = new Map<string, Experiment>();
  const iterator = runs().items.query<{ experiment: string; createdAt: string }>(
    { query: "SELECT c.experiment, c.createdAt FROM c WHERE c.type = 'run' AND IS_DEFINED(c.experiment)" },
    { maxItemCount: 1000 },
  );
  while (iterator.hasMoreResults()) {
    const { resources } = await iterator.fetchNext();
    for (const { experiment, createdAt } of resources) {
      if (typeof experiment !== 'string' || !experiment) continue;
      const current = byName.get(experiment) ?? { name: experiment, runCount: 0 };
      current.runCount += 1;
      if (!current.lastRunAt || createdAt > current.lastRunAt) current.lastRunAt = createdAt;
      byName.set(experiment, current);
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}
