/**
 * Jest global setup: one Azurite and one Cosmos server, both in memory, for the whole run. Their
 * addresses go into `process.env`, which the test workers (spawned afterwards) inherit:
 * SIBYL_TEST_STORAGE_CONNECTION_STRING, SIBYL_TEST_COSMOS_ENDPOINT, SIBYL_TEST_COSMOS_KEY.
 * A variable already set (services run elsewhere) is kept, and that service is not started.
 */
import { startEmbeddedServices } from '../../emulator/services/embeddedServices';
import { keepTestServices } from './testServices';

export default async function globalSetup(): Promise<void> {
  const env = process.env;
  const externalStorage = Boolean(env.SIBYL_TEST_STORAGE_CONNECTION_STRING);
  const externalCosmos = Boolean(env.SIBYL_TEST_COSMOS_ENDPOINT);
  const services = await startEmbeddedServices({ inMemory: true, externalStorage, externalCosmos });
  keepTestServices(services);
  if (services.storage) env.SIBYL_TEST_STORAGE_CONNECTION_STRING = services.storage.connectionString;
  if (services.cosmos) {
    env.SIBYL_TEST_COSMOS_ENDPOINT = services.cosmos.endpoint;
    env.SIBYL_TEST_COSMOS_KEY = services.cosmos.key;
  }
}
