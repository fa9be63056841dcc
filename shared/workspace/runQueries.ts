/**
 * Listing runs (newest first, filtered by experiment, status and kind, paged with continuation tokens)
 * and experiments (aggregated in code: the Cosmos emulator has no GROUP BY, and Azure charges for it).
 *
 * @example const page = await listRuns({ experiment: 'nightly', top: 20 }); // page.continuationToken → next page
 */
import type { Experiment, RunStatus } from '../api/schemas';
import { SibylError } from '../errors';
import { getContainer } from '../storage/cosmosDatabase';
import { hasStatus } from '../storage/cosmosErrors';
import { unwrapPageToken, wrapPageToken } from './pageToken';
import type { RunDoc } from './runDocuments';

export interface RunFilter {
  experiment?: string;
  status?: RunStatus;
  kind?: string;
  parentRunId?: string;
  /** Page size (default 100). */
  top?: number;
  /** Where the previous page ended: a token this module handed out (see pageToken.ts). */
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
  const continuationToken =
    filter.continuationToken === undefined ? undefined : cosmosTokenOf(filter.continuationToken);
  try {
    const page = await runs()
      .items.query<RunDoc>(query, {
        maxItemCount: filter.top ?? 100,
        ...(continuationToken ? { continuationToken } : {}),
      })
      .fetchNext();
    return {
      runs: page.resources,
      ...(page.continuationToken ? { continuationToken: wrapPageToken(page.continuationToken) } : {}),
    };
  } catch (error) {
    // Cosmos DB refused the token (400), or the SDK could not parse it: either way the caller's token.
    if (continuationToken && (hasStatus(error, 400) || error instanceof SyntaxError || error instanceof TypeError))
      throw invalidToken();
    throw error;
  }
}

function cosmosTokenOf(token: string): string {
  const cosmosToken = unwrapPageToken(token);
  if (cosmosToken === undefined) throw invalidToken();
  return cosmosToken;
}

const invalidToken = () =>
  new SibylError('InvalidInput', 'The continuation token is not valid; start again without it.');

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
