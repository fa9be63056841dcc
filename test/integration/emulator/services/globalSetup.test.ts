import { BlobServiceClient } from '@azure/storage-blob';
import { CosmosClient } from '@azure/cosmos';

// Runs in a Jest worker: the variables come from test/setup/globalSetup.ts through the environment.
describe('Jest global setup', () => {
  const env = process.env;

  it('exports the shared Azurite and Cosmos server to test workers', () => {
    expect(env.SIBYL_TEST_STORAGE_CONNECTION_STRING).toMatch(
      /BlobEndpoint=http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1;/,
    );
    expect(env.SIBYL_TEST_COSMOS_ENDPOINT).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(env.SIBYL_TEST_COSMOS_KEY).toBeTruthy();
  });

  it('lets a test use both services', async () => {
    const blobs = BlobServiceClient.fromConnectionString(env.SIBYL_TEST_STORAGE_CONNECTION_STRING!);
    const containerName = `setup-${process.pid}`;
    await blobs.getContainerClient(containerName).createIfNotExists();
    expect(await blobs.getContainerClient(containerName).exists()).toBe(true);
    await blobs.getContainerClient(containerName).delete();

    const client = new CosmosClient({ endpoint: env.SIBYL_TEST_COSMOS_ENDPOINT!, key: env.SIBYL_TEST_COSMOS_KEY! });
    try {
      const { database } = await client.databases.createIfNotExists({ id: `setup-${process.pid}` });
      const { resources } = await client.databases.readAll().fetchAll();
      expect(resources.map((d) => d.id)).toContain(database.id);
      await database.delete();
    } finally {
      client.dispose();
    }
  });
});
