/** Validates configuration and prepares storage once, when the app starts. */
import { app } from '@azure/functions';
import { getConfig } from '../shared/config';
import { ensureCosmosContainers } from '../shared/storage/cosmosDatabase';

app.hook.appStart(async () => {
  getConfig();
  await ensureCosmosContainers();
});
