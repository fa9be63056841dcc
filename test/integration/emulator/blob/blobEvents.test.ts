/**
 * BlobCreated events for Event Grid functions, delivered by polling Azurite (the local stand-in for the
 * storage account's Event Grid system topic): URL and ETag without the content, once per blob version,
 * across restarts, and a blob of 128 MB costs the host no memory.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { app, type EventGridEvent } from '@azure/functions';
import { BlobListener } from '../../../../emulator/blob/blobListener';
import { parseBlobEventSubscriptions } from '../../../../emulator/blob/blobEventSubscriptions';
import { describeFunctions, type BlobFunction, type EventGridFunction } from '../../../../emulator/functionCatalog';
import { azuriteForBlock } from './azuriteForTest';

const run = randomUUID().slice(0, 8);
const containers = { lake: `lake-${run}`, other: `other-${run}`, big: `big-${run}` };
const events: Record<string, EventGridEvent[]> = {};
const record = (name: string) => (event: EventGridEvent) => {
  (events[name] ??= []).push(event);
};
app.eventGrid('lakeEvents', { handler: record('lakeEvents') });
app.eventGrid('bigEvents', { handler: record('bigEvents') });
// The control: a blob trigger, which is given the content, on the same big blob.
let bigBlobBytes = 0;
app.storageBlob('bigContent', {
  path: `${containers.big}/{name}`,
  connection: 'AzureWebJobsStorage',
  handler: (blob) => void (bigBlobBytes = (blob as Buffer).length),
});

const MB = 1024 * 1024;

/** `size` bytes of a repeating pattern, produced as it is read (the test never holds the blob). */
function generated(size: number): Readable {
  const chunk = Buffer.alloc(MB, 'sibyl,0.5,1.25\n');
  let left = size;
  return new Readable({
    read() {
      if (left <= 0) return this.push(null);
      const next = chunk.subarray(0, Math.min(chunk.length, left));
      left -= next.length;
      this.push(next);
    },
  });
}

describe('BlobCreated events against Azurite', () => {
  const azurite = azuriteForBlock((blobs) => blobs.getContainerClient(containers.big).deleteIfExists());
  const { container } = azurite;
  let logs: { level: string; message: string }[];
  const listeners: BlobListener[] = [];

  const listener = (setting: string): BlobListener => {
    const functions = describeFunctions().filter((d): d is EventGridFunction => d.kind === 'eventGrid');
    const { subscriptions, problems } = parseBlobEventSubscriptions(setting, functions);
    expect(problems).toEqual([]);
    const created = new BlobListener({
      functions: [],
      eventSubscriptions: subscriptions,
      resolveConnection: () => azurite.connectionString,
      log: (level, message) => logs.push({ level, message }),
      hostId: `events-${run}`,
      retryDelayMs: 5,
    });
    listeners.push(created);
    return created;
  };

  beforeEach(() => {
    logs = [];
  });

  afterEach(async () => {
    await Promise.all(listeners.splice(0).map((l) => l.stop()));
  });

  it('delivers one BlobCreated event per blob version with the URL and ETag, for the subscribed container only', async () => {
    const lake = await container(containers.lake);
    const other = await container(containers.other);
    const { etag } = await lake.getBlockBlobClient('drops/a.csv').upload('x,y\n1,2\n', 8);
    await other.getBlockBlobClient('drops/b.csv').upload('x\n', 2);
    await lake.getBlockBlobClient('elsewhere/c.csv').upload('x\n', 2);
    const first = listener(`lakeEvents=${containers.lake}/drops/`);
    await first.pollNow();
    await first.pollNow();
    expect(events.lakeEvents).toHaveLength(1);
    const [event] = events.lakeEvents!;
    expect(event).toMatchObject({
      eventType: 'Microsoft.Storage.BlobCreated',
      subject: `/blobServices/default/containers/${containers.lake}/blobs/drops/a.csv`,
      data: { eTag: etag!.replace(/"/g, ''), contentLength: 8, blobType: 'BlockBlob', url: `${lake.url}/drops/a.csv` },
      metadataVersion: '1',
    });
    expect(event!.topic).toMatch(/\/providers\/Microsoft\.Storage\/storageAccounts\/devstoreaccount1$/);

    const rewritten = await lake.getBlockBlobClient('drops/a.csv').upload('x,y\n3,4\n', 8);
    await first.pollNow();
    expect(events.lakeEvents!.map((e) => e.data?.eTag)).toEqual([
      etag!.replace(/"/g, ''),
      rewritten.etag!.replace(/"/g, ''),
    ]);
    await first.stop();

    // Exactly once per version survives a restart: the receipts live in the host's storage.
    const restarted = listener(`lakeEvents=${containers.lake}/drops/`);
    await restarted.pollNow();
    expect(events.lakeEvents).toHaveLength(2);
    expect(logs.filter((l) => l.level === 'error' || l.level === 'warning')).toEqual([]);
  });

  it('never reads the content: a 128 MB blob leaves the host memory where it was', async () => {
    const big = await container(containers.big);
    const size = 128 * MB;
    await big.getBlockBlobClient('input.csv').uploadStream(generated(size), 4 * MB, 2);
    const eventPeak = await peakRssGrowth(() => listener(`bigEvents=${containers.big}`).pollNow());
    expect(eventsOf('bigEvents').map((e) => e.data?.contentLength)).toEqual([size]);

    // The same measure around a blob trigger, which is given the content, shows what reading it costs.
    const content = new BlobListener({
      functions: describeFunctions().filter((d): d is BlobFunction => d.name === 'bigContent'),
      resolveConnection: () => azurite.connectionString,
      log: (level, message) => logs.push({ level, message }),
      hostId: `events-${run}`,
    });
    listeners.push(content);
    const contentPeak = await peakRssGrowth(() => content.pollNow());
    expect(bigBlobBytes).toBe(size);
    expect(contentPeak).toBeGreaterThan(size / 2);
    expect(eventPeak).toBeLessThan(size / 4);
  });
});

/** How far the process's resident memory rose above its level at the start while `work` ran. */
async function peakRssGrowth(work: () => Promise<void>): Promise<number> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 2);
  try {
    await work();
  } finally {
    clearInterval(sample);
  }
  return Math.max(peak, process.memoryUsage().rss) - before;
}

function eventsOf(name: string): EventGridEvent[] {
  return events[name] ?? [];
}
