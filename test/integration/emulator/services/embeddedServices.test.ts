import * as fs from 'node:fs';
import * as path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { CosmosClient } from '@azure/cosmos';
import { startEmbeddedServices } from '../../../../emulator/services/embeddedServices';
import { tempDirEachTest } from '../../../support/tempDirs';

describe('startEmbeddedServices', () => {
  const dataDir = tempDirEachTest('services');

  it('starts both, persisted under <dataDir>/azurite and <dataDir>/cosmos, and stops both', async () => {
    const services = await startEmbeddedServices({ dataDir: dataDir(), inMemory: false });
    try {
      await BlobServiceClient.fromConnectionString(services.storage!.connectionString)
        .getContainerClient('models')
        .createIfNotExists();
      const client = new CosmosClient({ endpoint: services.cosmos!.endpoint, key: services.cosmos!.key });
      await client.databases.createIfNotExists({ id: 'sibyl' });
      client.dispose();
    } finally {
      await services.stop();
      await services.stop();
    }
    expect(fs.readdirSync(path.join(dataDir(), 'azurite'))).toContain('__azurite_db_blob__.json');
    expect(fs.readdirSync(path.join(dataDir(), 'cosmos')).sort()).toEqual(['journal.ndjson', 'snapshot.ndjson']);
  });

  it('starts nothing for a service the caller says is external', async () => {
    const services = await startEmbeddedServices({ inMemory: true, externalStorage: true, externalCosmos: false });
    try {
      expect(services.storage).toBeUndefined();
      expect(services.cosmos?.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    } finally {
      await services.stop();
    }
    const none = await startEmbeddedServices({ inMemory: true, externalStorage: true, externalCosmos: true });
    expect(none.storage).toBeUndefined();
    expect(none.cosmos).toBeUndefined();
    await none.stop();
  });

  it('stops what it started when the other service fails to start', async () => {
    const first = await startEmbeddedServices({ dataDir: dataDir(), inMemory: false, externalStorage: true });
    try {
      // The Cosmos folder is locked by `first`, so the second Cosmos server fails; its Azurite must not linger.
      await expect(startEmbeddedServices({ dataDir: dataDir(), inMemory: false })).rejects.toThrow(/in use/);
    } finally {
      await first.stop();
    }
  });
});
