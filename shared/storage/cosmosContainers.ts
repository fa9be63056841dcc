/**
 * The Cosmos DB containers Sibyl uses, with their partition keys. `infra/` provisions the same
 * list in Azure; locally `ensureCosmosContainers` creates them. Changing a partition key needs a
 * data migration.
 */
export interface ContainerDefinition {
  id: string;
  partitionKey: string;
  /** Default TTL in seconds (`-1`: on, per-item; undefined: off). */
  defaultTtl?: number;
}

export const COSMOS_CONTAINERS = {
  models: { id: 'models', partitionKey: '/name' },
  environments: { id: 'environments', partitionKey: '/name' },
  /** Code assets (scoring scripts and their files): heads and versions, partitioned by name. */
  code: { id: 'code', partitionKey: '/name' },
  endpoints: { id: 'endpoints', partitionKey: '/endpoint' },
  metrics: { id: 'metrics', partitionKey: '/endpoint', defaultTtl: 7 * 24 * 3600 },
  datastores: { id: 'datastores', partitionKey: '/name' },
  runs: { id: 'runs', partitionKey: '/id' },
  /** Log lines of runs (batch jobs, pipelines), one partition per run. */
  runLogs: { id: 'runLogs', partitionKey: '/runId' },
  pipelines: { id: 'pipelines', partitionKey: '/name' },
  schedules: { id: 'schedules', partitionKey: '/name' },
  /** Model monitors with their latest result (model monitoring). */
  monitors: { id: 'monitors', partitionKey: '/name' },
} as const satisfies Record<string, ContainerDefinition>;

export type ContainerName = keyof typeof COSMOS_CONTAINERS;
