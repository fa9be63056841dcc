import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { startAzurite, type AzuriteHandle } from '../../../../emulator/services/azurite';
import { tempDirEachTest } from '../../../support/tempDirs';

async function uploadText(connectionString: string, container: string, name: string, text: string): Promise<void> {
  const containerClient = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(container);
  await containerClient.createIfNotExists();
  await containerClient.getBlockBlobClient(name).upload(text, Buffer.byteLength(text));
}

async function downloadText(connectionString: string, container: string, name: string): Promise<string> {
  const blob = BlobServiceClient.fromConnectionString(connectionString)
    .getContainerClient(container)
    .getBlobClient(name);
  return (await blob.downloadToBuffer()).toString('utf8');
}

describe('startAzurite (in memory)', () => {
  let azurite: AzuriteHandle;
  beforeAll(async () => {
    azurite = await startAzurite({ inMemory: true });
  });
  afterAll(async () => {
    await azurite.stop();
  });

  it('gives explicit loopback endpoints for the well-known dev account', () => {
    expect(azurite.blobEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);
    expect(azurite.connectionString).toContain('AccountName=devstoreaccount1;');
    expect(azurite.connectionString).toContain(`BlobEndpoint=${azurite.blobEndpoint};`);
    expect(azurite.connectionString).toContain(`QueueEndpoint=${azurite.queueEndpoint};`);
    expect(azurite.connectionString).toContain(`TableEndpoint=${azurite.tableEndpoint};`);
  });

  it('stores and reads back a blob through @azure/storage-blob', async () => {
    await uploadText(azurite.connectionString, 'models', 'iris/1/model.onnx', 'not really onnx');
    await expect(downloadText(azurite.connectionString, 'models', 'iris/1/model.onnx')).resolves.toBe(
      'not really onnx',
    );
  });

  it('enqueues and dequeues a message through @azure/storage-queue', async () => {
    const queue = QueueServiceClient.fromConnectionString(azurite.connectionString).getQueueClient('work-items');
    await queue.createIfNotExists();
    await queue.sendMessage('hello');
    const received = await queue.receiveMessages({ numberOfMessages: 1 });
    expect(received.receivedMessageItems.map((m) => m.messageText)).toEqual(['hello']);
    const message = received.receivedMessageItems[0]!;
    await queue.deleteMessage(message.messageId, message.popReceipt);
    expect((await queue.peekMessages()).peekedMessageItems).toHaveLength(0);
  });

  it('keeps two in-memory instances apart', async () => {
    const other = await startAzurite({ inMemory: true });
    try {
      expect(other.blobEndpoint).not.toBe(azurite.blobEndpoint);
      const exists = await BlobServiceClient.fromConnectionString(other.connectionString)
        .getContainerClient('models')
        .exists();
      expect(exists).toBe(false);
    } finally {
      await other.stop();
    }
  });
});

describe('startAzurite (persisted)', () => {
  const dir = tempDirEachTest('azurite');

  it('keeps a blob across a restart on the same folder', async () => {
    const first = await startAzurite({ inMemory: false, location: dir() });
    try {
      await uploadText(first.connectionString, 'datastore', 'input/a.csv', 'x,y\n1,2\n');
    } finally {
      await first.stop();
    }
    const second = await startAzurite({ inMemory: false, location: dir() });
    try {
      await expect(downloadText(second.connectionString, 'datastore', 'input/a.csv')).resolves.toBe('x,y\n1,2\n');
    } finally {
      await second.stop();
    }
  });

  it('refuses to start without a location, and on a taken port with a clear message', async () => {
    await expect(startAzurite({ inMemory: false })).rejects.toThrow(/location/);
    const first = await startAzurite({ inMemory: true });
    try {
      const port = Number(new URL(first.blobEndpoint).port);
      await expect(startAzurite({ inMemory: true, ports: { blob: port } })).rejects.toThrow(/port is taken/);
    } finally {
      await first.stop();
    }
  });
});
