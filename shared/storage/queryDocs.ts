/**
 * Every result of one Cosmos query with named parameters, from one partition when `partitionKey` is given.
 * A query should repeat its partition key in WHERE all the same: the local Cosmos server ignores the option.
 *
 * @example
 *   const lines = await queryDocs<RunLogDoc>(logs(), 'SELECT * FROM c WHERE c.runId = @runId', { '@runId': id }, id);
 */
import type { Container, JSONValue } from '@azure/cosmos';

export async function queryDocs<T>(
  container: Container,
  query: string,
  parameters: Readonly<Record<string, JSONValue>>,
  partitionKey?: string,
): Promise<T[]> {
  const spec = { query, parameters: Object.entries(parameters).map(([name, value]) => ({ name, value })) };
  const { resources } = await container.items
    .query<T>(spec, partitionKey === undefined ? {} : { partitionKey })
    .fetchAll();
  return resources;
}
