/**
 * Prepares storage once, when the app starts. It never throws: a failed start hook fails the worker and
 * the host indexes no function at all (on a first deploy, Key Vault references may not resolve yet).
 * Settings problems then answer 503 naming the setting on first use, and in `api/v2/health/ready`.
 */
import { app } from '@azure/functions';
import { ensureCosmosContainers } from '../shared/storage/cosmosDatabase';

app.hook.appStart(async () => {
  try {
    await ensureCosmosContainers();
  } catch (error) {
    // No invocation context exists yet: the worker forwards console output to the host's log.
    console.warn(`Sibyl started without preparing Cosmos DB: ${(error as Error).message}`);
  }
});
