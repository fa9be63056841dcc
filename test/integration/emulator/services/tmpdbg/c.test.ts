import { createHook } from 'node:async_hooks';
import { CosmosClient } from '@azure/cosmos';
import { startCosmosServer } from '../../../../../emulator/services/cosmosServer';
const live = new Map<number, string>();
createHook({
  init(id, type) { if (type !== 'PROMISE') live.set(id, `${type} ${new Error().stack?.split('\n').slice(2, 9).join(' / ')}`); },
  destroy(id) { live.delete(id); },
}).enable();
it('bulk', async () => {
  const server = await startCosmosServer({ persist: false });
  const client = new CosmosClient({ endpoint: server.endpoint, key: server.key });
  const { database } = await client.databases.createIfNotExists({ id: 'sibyl' });
  const { container } = await database.containers.createIfNotExists({ id: 'models', partitionKey: { paths: ['/name'] } });
  if (process.env.BULK) await container.items.executeBulkOperations([{ operationType: 'Create', partitionKey: 'a', resourceBody: { id: 'k-1', name: 'a' } }]);
  client.dispose(); await server.stop();
  await new Promise((r) => setTimeout(r, 100));
  for (const v of live.values()) console.log('LIVE ' + v); console.log('RES ' + process.getActiveResourcesInfo().join(','));
});
afterAll(() => {
  const fs = require('node:fs') as typeof import('node:fs');
  setTimeout(() => {
    fs.writeFileSync(`/tmp/leak-${process.pid}.txt`, `RES ${process.getActiveResourcesInfo().join(',')}\n${[...live.values()].join('\n')}`);
  }, 30).unref();
});
afterAll(() => {
  const fs = require('node:fs') as typeof import('node:fs');
  const t = Date.now();
  process.on('exit', () => fs.writeFileSync(`/tmp/exit-c-${process.pid}.txt`, `exit after ${Date.now() - t}ms`));
});
