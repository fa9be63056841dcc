import { randomUUID } from 'node:crypto';
import { app, type InvocationContext } from '@azure/functions';
import { type ContainerClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { BlobListener } from '../../../../emulator/blob/blobListener';
import type { BlobListenerOptions } from '../../../../emulator/blob/blobListenerOptions';
import { HOSTS_CONTAINER, POISON_QUEUE } from '../../../../emulator/blob/blobReceipts';
import { describeFunctions, type BlobFunction } from '../../../../emulator/functionCatalog';
import { pollUntil } from '../../../support/poll';
import { azuriteForBlock } from './azuriteForTest';

interface Call {
  body: string;
  triggerMetadata: Record<string, unknown> | undefined;
}

const run = randomUUID().slice(0, 8);
const containers = {
  csv: `csv-${run}`,
  failing: `failing-${run}`,
  slow: `slow-${run}`,
  missing: `missing-${run}`,
  polled: `polled-${run}`,
};
const calls: Record<string, Call[]> = {};
const record = (name: string) => (blob: unknown, context: InvocationContext) => {
  (calls[name] ??= []).push({ body: Buffer.from(blob as Buffer).toString(), triggerMetadata: context.triggerMetadata });
};
let releaseSlow: () => void = () => undefined;

app.storageBlob('csvIn', {
  path: `${containers.csv}/in/{name}.csv`,
  connection: 'BlobTestStorage',
  source: 'EventGrid',
  handler: record('csvIn'),
});
app.storageBlob('alwaysThrows', {
  path: `${containers.failing}/{name}`,
  connection: 'BlobTestStorage',
  source: 'EventGrid',
  handler: (blob, context) => {
    record('alwaysThrows')(blob, context);
    throw new Error('cannot read this blob');
  },
});
app.storageBlob('slowBlob', {
  path: `${containers.slow}/{name}`,
  connection: 'BlobTestStorage',
  source: 'EventGrid',
  handler: async (blob, context) => {
    record('slowBlob')(blob, context);
    await new Promise<void>((resolve) => (releaseSlow = resolve));
  },
});
app.storageBlob('missingContainer', {
  path: `${containers.missing}/{name}`,
  connection: 'BlobTestStorage',
  source: 'EventGrid',
  handler: record('missingContainer'),
});
app.storageBlob('polledIn', {
  path: `${containers.polled}/{name}`,
  connection: 'BlobTestStorage',
  handler: record('polledIn'),
});

describe('BlobListener against Azurite', () => {
  const azurite = azuriteForBlock();
  const { container } = azurite;
  let logs: { level: string; message: string }[];
  const listeners: BlobListener[] = [];

  const listener = (names: string[], options: Partial<BlobListenerOptions> = {}): BlobListener => {
    const created = new BlobListener({
      functions: describeFunctions().filter((d): d is BlobFunction => d.kind === 'blob' && names.includes(d.name)),
      resolveConnection: (name) => {
        if (name === 'BlobTestStorage' || name === 'AzureWebJobsStorage') return azurite.connectionString;
        throw new Error(`No app setting '${name}'.`);
      },
      log: (level, message) => logs.push({ level, message }),
      hostId: `test-${run}`,
      retryDelayMs: 5,
      ...options,
    });
    listeners.push(created);
    return created;
  };
  const upload = async (
    c: ContainerClient,
    name: string,
    body: string,
    metadata?: Record<string, string>,
  ): Promise<string> =>
    (
      await c
        .getBlockBlobClient(name)
        .upload(body, Buffer.byteLength(body), { metadata, blobHTTPHeaders: { blobContentType: 'text/csv' } })
    ).etag!;

  beforeEach(() => {
    logs = [];
  });

  afterEach(async () => {
    releaseSlow();
    await Promise.all(listeners.splice(0).map((l) => l.stop()));
  });

  it('fires once per blob version with the bytes and the trigger metadata, again after a rewrite, never after a restart', async () => {
    const c = await container(containers.csv);
    const etag = await upload(c, 'in/report.csv', 'a,b\n1,2\n', { source: 'test' });
    const first = listener(['csvIn']);
    await first.pollNow();
    await first.pollNow();
    expect(calls.csvIn).toHaveLength(1);
    const [call] = calls.csvIn!;
    expect(call!.body).toBe('a,b\n1,2\n');
    expect(call!.triggerMetadata).toMatchObject({
      blobTrigger: `${containers.csv}/in/report.csv`,
      uri: `${c.url}/in/report.csv`,
      name: 'report',
      metadata: { source: 'test' },
      properties: { contentLength: 8, contentType: 'text/csv', eTag: etag, blobType: 'Block' },
      sys: { methodName: 'csvIn' },
    });

    const receipt = `blobreceipts/test-${run}/csvIn/${etag.replace(/"/g, '')}/${containers.csv}/in/report.csv`;
    expect(await azurite.blobs.getContainerClient(HOSTS_CONTAINER).getBlobClient(receipt).exists()).toBe(true);

    await upload(c, 'in/report.csv', 'a,b\n3,4\n');
    await first.pollNow();
    expect(calls.csvIn!.map((x) => x.body)).toEqual(['a,b\n1,2\n', 'a,b\n3,4\n']);
    await first.stop();

    const restarted = listener(['csvIn']);
    await restarted.pollNow();
    expect(calls.csvIn).toHaveLength(2);
    expect(logs.filter((l) => l.level === 'error' || l.level === 'warning')).toEqual([]);
  });

  it('never fires for blobs that do not match the pattern', async () => {
    const c = await container(containers.csv);
    for (const name of ['in/notes.txt', 'in/upper.CSV', 'out/x.csv', 'in/x.csv.bak']) await upload(c, name, 'x');
    await upload(c, 'in/deep/dir/data.csv', 'deep');
    const before = calls.csvIn?.length ?? 0;
    await listener(['csvIn']).pollNow();
    expect(calls.csvIn!.slice(before).map((x) => [x.body, x.triggerMetadata?.name])).toEqual([
      ['deep', 'deep/dir/data'],
    ]);
  });

  it('reports a blob whose function always throws to the poison queue after 5 tries, and does not try it again', async () => {
    const c = await container(containers.failing);
    const etag = await upload(c, 'bad.json', '{}');
    const l = listener(['alwaysThrows']);
    await l.pollNow();
    expect(calls.alwaysThrows).toHaveLength(5);
    expect(logs.filter((x) => x.level === 'warning')).toHaveLength(5);
    expect(logs).toContainEqual({
      level: 'error',
      message: expect.stringContaining('failed 5 times; reported to the poison queue'),
    });

    const queue = QueueServiceClient.fromConnectionString(azurite.connectionString).getQueueClient(POISON_QUEUE);
    const peeked = await queue.peekMessages({ numberOfMessages: 32 });
    const messages = peeked.peekedMessageItems.map(
      (m) => JSON.parse(Buffer.from(m.messageText, 'base64').toString()) as Record<string, unknown>,
    );
    expect(messages.filter((m) => m.ContainerName === containers.failing)).toEqual([
      {
        Type: 'BlobTrigger',
        FunctionId: 'alwaysThrows',
        BlobType: 'BlockBlob',
        ContainerName: containers.failing,
        BlobName: 'bad.json',
        ETag: etag,
        Reason: 'cannot read this blob',
      },
    ]);
    const receipt = azurite.blobs
      .getContainerClient(HOSTS_CONTAINER)
      .getBlobClient(`blobreceipts/test-${run}/alwaysThrows/${etag.replace(/"/g, '')}/${containers.failing}/bad.json`);
    expect((await receipt.getProperties()).metadata).toEqual({ status: 'failed' });

    await l.pollNow();
    await listener(['alwaysThrows']).pollNow();
    expect(calls.alwaysThrows).toHaveLength(5);
  });

  it('does not process the same blob twice at once', async () => {
    const c = await container(containers.slow);
    await upload(c, 'one.txt', 'slow');
    const l = listener(['slowBlob']);
    const polls = [l.pollNow(), l.pollNow(), l.pollNow()];
    await pollUntil(() => (calls.slowBlob?.length ?? 0) > 0, 'the slow function to start');
    releaseSlow();
    await Promise.all(polls);
    expect(calls.slowBlob).toHaveLength(1);
  });

  it('treats a container that does not exist yet as empty, then picks up its blobs', async () => {
    const l = listener(['missingContainer']);
    await l.pollNow();
    expect(logs.filter((x) => x.level !== 'information')).toEqual([]);
    await upload(await container(containers.missing), 'late.txt', 'late');
    await l.pollNow();
    expect(calls.missingContainer?.map((x) => x.body)).toEqual(['late']);
  });

  it('polls in the background once started (LogsAndContainerScan source too)', async () => {
    const c = await container(containers.polled);
    const l = listener(['polledIn'], { pollIntervalMs: 50 });
    l.start();
    await upload(c, 'bg.txt', 'background');
    await pollUntil(() => calls.polledIn?.length === 1, 'the background scan to fire');
    await l.stop();
    expect(calls.polledIn?.map((x) => x.body)).toEqual(['background']);
  });
});
