/** The Cosmos DB client and database: a key locally, the managed identity in Azure. */
import { CosmosClient, type Container, type Database } from '@azure/cosmos';
import type { CosmosSettings } from '../config';
import { getConfig } from '../config';
import { COSMOS_CONTAINERS, type ContainerDefinition, type ContainerName } from './cosmosContainers';
import { getCredential } from './credential';

let database: Database | undefined;

export function createCosmosClient(settings: CosmosSettings): CosmosClient {
  return settings.kind === 'key'
    ? new CosmosClient({
        endpoint: settings.endpoint,
        key: settings.key,
        connectionPolicy: { enableEndpointDiscovery: false },
      })
    : new CosmosClient({ endpoint: settings.endpoint, aadCredentials: getCredential() });
}

export function getDatabase(): Database {
  if (!database) {
    const settings = getConfig().cosmos;
    database = createCosmosClient(settings).database(settings.database);
  }
  return database;
}

export function getContainer(name: ContainerName): Container {
  return getDatabase().container(COSMOS_CONTAINERS[name].id);
}

/**
 * Creates the database and every container when missing (locally; in Azure Bicep already did and
 * the data-plane role cannot create them, so a 403 here is ignored).
 */
export async function ensureCosmosContainers(db: Database = getDatabase()): Promise<void> {
  try {
    await db.client.databases.createIfNotExists({ id: db.id });
    const definitions: ContainerDefinition[] = Object.values(COSMOS_CONTAINERS);
    await Promise.all(
      definitions.map((c) =>
        db.containers.createIfNotExists({
          id: c.id,
          partitionKey: { paths: [c.partitionKey] },
          ...(c.defaultTtl ? { defaultTtl: c.defaultTtl } : {}),
        }),
      ),
    );
  } catch (error) {
    if ((error as { code?: number }).code === 403) return;
    throw error;
  }
}
