/**
 * Starts the local stand-ins for Azure Storage (Azurite) and Cosmos DB (the Cosmos server) that the
 * host needs, in parallel; a service the caller says is external (its settings point elsewhere) is
 * not started.
 */
import * as path from 'node:path';
import { startAzurite, type AzuriteHandle, type AzuritePorts } from './azurite';
import { startCosmosServer, type CosmosServerHandle } from './cosmosServer';
import { quietServiceLogger, type ServiceLogger } from './serviceLogger';

export interface EmbeddedServicesOptions {
  /** Root data folder: Azurite under `<dataDir>/azurite`, Cosmos under `<dataDir>/cosmos`. */
  dataDir?: string;
  /** Keep everything in memory (tests); `dataDir` is then unused. */
  inMemory: boolean;
  /** Fixed ports; absent or 0 picks free ones. */
  ports?: AzuritePorts & { cosmos?: number };
  /** Storage settings point at a real account or another emulator: start no Azurite. */
  externalStorage?: boolean;
  /** COSMOS_ENDPOINT points elsewhere: start no Cosmos server. */
  externalCosmos?: boolean;
  log?: ServiceLogger;
}

export interface EmbeddedServices {
  /** Azurite's endpoints and connection string, when it was started. */
  storage?: Omit<AzuriteHandle, 'stop'>;
  /** The Cosmos server's endpoint and key, when it was started. */
  cosmos?: Omit<CosmosServerHandle, 'stop'>;
  /** Stops whatever was started; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * @example
 *   const services = await startEmbeddedServices({ dataDir: '.sibyl', inMemory: false, externalCosmos: Boolean(env.COSMOS_ENDPOINT) });
 *   env.AzureWebJobsStorage ||= services.storage?.connectionString;
 */
export async function startEmbeddedServices(options: EmbeddedServicesOptions): Promise<EmbeddedServices> {
  const log = options.log ?? quietServiceLogger;
  if (!options.inMemory && !options.dataDir)
    throw new Error('startEmbeddedServices: `dataDir` is required unless `inMemory` is true.');
  const dataDir = options.dataDir ?? '';
  const [storage, cosmos] = await Promise.allSettled([
    options.externalStorage
      ? Promise.resolve(undefined)
      : startAzurite({
          inMemory: options.inMemory,
          location: options.inMemory ? undefined : path.join(dataDir, 'azurite'),
          ports: options.ports,
          log,
        }),
    options.externalCosmos
      ? Promise.resolve(undefined)
      : startCosmosServer({
          persist: !options.inMemory,
          dataDir: options.inMemory ? undefined : dataDir,
          port: options.ports?.cosmos,
          log,
        }),
  ]);
  const started = [storage, cosmos].flatMap((result) =>
    result.status === 'fulfilled' && result.value ? [result.value] : [],
  );
  const failures = [storage, cosmos].flatMap((result) =>
    result.status === 'rejected' ? [result.reason as Error] : [],
  );
  if (failures.length > 0) {
    await Promise.allSettled(started.map((service) => service.stop()));
    throw new Error(failures.map((error) => error.message).join('; '));
  }
  const azurite = storage.status === 'fulfilled' ? storage.value : undefined;
  const cosmosServer = cosmos.status === 'fulfilled' ? cosmos.value : undefined;
  let stopping: Promise<void> | undefined;
  return {
    storage: azurite && {
      connectionString: azurite.connectionString,
      blobEndpoint: azurite.blobEndpoint,
      queueEndpoint: azurite.queueEndpoint,
      tableEndpoint: azurite.tableEndpoint,
    },
    cosmos: cosmosServer && { endpoint: cosmosServer.endpoint, key: cosmosServer.key },
    stop() {
      stopping ??= Promise.allSettled(started.map((service) => service.stop())).then(() => undefined);
      return stopping;
    },
  };
}
