import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CosmosClient, type Container, type ItemDefinition } from '@azure/cosmos';
import {
  startCosmosServer,
  type CosmosServerHandle,
  type CosmosServerOptions,
} from '../../../../emulator/services/cosmosServer';
import { startCrashableCosmosServer } from './crashableCosmosServer';

interface Run extends ItemDefinition {
  id: string;
  job: string;
  status: string;
  rows?: number;
}

const PARTITION = { paths: ['/job'] };

async function openContainer(endpoint: string, key: string): Promise<{ client: CosmosClient; container: Container }> {
  const client = new CosmosClient({ endpoint, key });
  const { database } = await client.databases.createIfNotExists({ id: 'sibyl' });
  const { container } = await database.containers.createIfNotExists({ id: 'runs', partitionKey: PARTITION });
  return { client, container };
}

/** Every item with its system properties, sorted by id. */
async function readEverything(container: Container): Promise<Run[]> {
  const { resources } = await container.items.readAll<Run>().fetchAll();
  return resources.sort((a, b) => a.id.localeCompare(b.id));
}

/** Writes a mix of creates, replaces, patches, deletes, an upsert and a batch. */
async function writeMix(container: Container): Promise<void> {
  for (const id of ['r1', 'r2', 'r3', 'r4']) await container.items.create<Run>({ id, job: 'j1', status: 'Queued' });
  await container.item('r2', 'j1').replace<Run>({ id: 'r2', job: 'j1', status: 'Running' });
  await container.item('r3', 'j1').patch([{ op: 'set', path: '/rows', value: 42 }]);
  await container.item('r4', 'j1').delete();
  await container.items.upsert<Run>({ id: 'r5', job: 'j2', status: 'Completed' });
  await container.items.batch(
    [
      { operationType: 'Create', resourceBody: { id: 'r6', job: 'j2', status: 'Queued' } },
      { operationType: 'Delete', id: 'r5' },
    ],
    'j2',
  );
}

describe('Cosmos server persistence', () => {
  let dataDir: string;
  const running: { server: CosmosServerHandle; client: CosmosClient }[] = [];

  async function start(options: Omit<CosmosServerOptions, 'dataDir'> = {}): Promise<Container> {
    const server = await startCosmosServer({ ...options, dataDir });
    const { client, container } = await openContainer(server.endpoint, server.key);
    running.push({ server, client });
    return container;
  }

  async function stopAll(): Promise<void> {
    for (const { server, client } of running.splice(0)) {
      client.dispose();
      await server.stop();
    }
  }

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sibyl-cosmos-'));
  });
  afterEach(async () => {
    await stopAll();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('reads back every write identically after a restart, system properties included', async () => {
    const first = await start();
    await writeMix(first);
    const before = await readEverything(first);
    expect(before.map((r) => [r.id, r.status, r.rows])).toEqual([
      ['r1', 'Queued', undefined],
      ['r2', 'Running', undefined],
      ['r3', 'Queued', 42],
      ['r6', 'Queued', undefined],
    ]);
    await stopAll();

    const second = await start();
    expect(await readEverything(second)).toEqual(before);
    // An ETag read before the restart still guards a write after it.
    const r2 = before.find((r) => r.id === 'r2')!;
    await second
      .item('r2', 'j1')
      .replace<Run>(
        { id: 'r2', job: 'j1', status: 'Completed' },
        { accessCondition: { type: 'IfMatch', condition: r2._etag! } },
      );
    await expect(
      second
        .item('r2', 'j1')
        .replace<Run>(
          { id: 'r2', job: 'j1', status: 'Failed' },
          { accessCondition: { type: 'IfMatch', condition: r2._etag! } },
        ),
    ).rejects.toMatchObject({ code: 412 });
    // New items get fresh resource ids, never one used before the restart.
    const { resource: r7 } = await second.items.create<Run>({ id: 'r7', job: 'j1', status: 'Queued' });
    const { resource: r4Again } = await second.items.create<Run>({ id: 'r4', job: 'j1', status: 'Queued' });
    const rids: (string | undefined)[] = [...before.map((r) => r._rid as string), r7?._rid, r4Again?._rid];
    expect(new Set(rids).size).toBe(before.length + 2);
  });

  it('keeps every acknowledged write after a crash, and ignores a torn last journal line', async () => {
    const child = await startCrashableCosmosServer(dataDir);
    let before: Run[];
    const { client, container } = await openContainer(
      child.endpoint,
      'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==',
    );
    try {
      await writeMix(container);
      before = await readEverything(container);
    } finally {
      client.dispose();
      await child.crash();
      child.cleanup();
    }
    // The crash left everything in the journal (no snapshot yet) and a stale lock.
    expect(fs.existsSync(path.join(dataDir, 'cosmos', 'snapshot.ndjson'))).toBe(false);
    expect(fs.readFileSync(path.join(dataDir, 'cosmos', 'LOCK'), 'utf8')).toBe(String(child.pid));
    // A write cut short by the crash: half a line, no newline.
    fs.appendFileSync(
      path.join(dataDir, 'cosmos', 'journal.ndjson'),
      '{"s":99,"o":[{"op":"put","kind":"doc","parent":["',
    );

    const restarted = await start();
    expect(await readEverything(restarted)).toEqual(before);
    // Writes after recovery land after the dropped tail and survive another restart.
    await restarted.items.create<Run>({ id: 'r8', job: 'j3', status: 'Queued' });
    await stopAll();
    const again = await start();
    expect((await readEverything(again)).map((r) => r.id)).toEqual(['r1', 'r2', 'r3', 'r6', 'r8']);
  });

  it('refuses to start on a journal corrupted in the middle, naming the file and line', async () => {
    const first = await start();
    await writeMix(first);
    await stopAll();
    const journal = path.join(dataDir, 'cosmos', 'journal.ndjson');
    fs.writeFileSync(journal, 'garbage\n{"s":1000,"o":[]}\n');
    await expect(startCosmosServer({ dataDir })).rejects.toThrow(/journal\.ndjson line 1 is corrupt/);
    // The failed start released the folder.
    expect(fs.existsSync(path.join(dataDir, 'cosmos', 'LOCK'))).toBe(false);
  });

  it('compacts a growing journal into a snapshot without losing data', async () => {
    const container = await start({ compactAfterBytes: 4096 });
    for (let i = 0; i < 60; i += 1)
      await container.items.upsert<Run>({ id: `c${i}`, job: `j${i % 3}`, status: 'Queued', rows: i });
    for (let i = 0; i < 60; i += 2) await container.item(`c${i}`, `j${i % 3}`).delete();
    const dir = path.join(dataDir, 'cosmos');
    expect(fs.existsSync(path.join(dir, 'snapshot.ndjson'))).toBe(true);
    expect(fs.statSync(path.join(dir, 'journal.ndjson')).size).toBeLessThanOrEqual(4096);
    const before = await readEverything(container);
    expect(before).toHaveLength(30);
    await stopAll();
    const restarted = await start();
    expect(await readEverything(restarted)).toEqual(before);
  });

  it('keeps a container’s items when the container is replaced, across a restart', async () => {
    const container = await start();
    await container.items.create<Run>({ id: 'k1', job: 'j1', status: 'Queued' });
    const { resource: definition } = await container.read();
    await container.replace({ ...definition!, id: 'runs', partitionKey: PARTITION, defaultTtl: 3600 });
    expect((await readEverything(container)).map((r) => r.id)).toEqual(['k1']);
    await stopAll();
    const restarted = await start();
    expect((await restarted.read()).resource?.defaultTtl).toBe(3600);
    expect((await readEverything(restarted)).map((r) => r.id)).toEqual(['k1']);
  });

  it('persists database and container deletes', async () => {
    const container = await start();
    await container.items.create<Run>({ id: 'x', job: 'j', status: 'Queued' });
    await container.database.container('runs').delete();
    const { client } = running[0]!;
    await client.databases.createIfNotExists({ id: 'other' });
    await client.database('other').delete();
    await stopAll();
    const server = await startCosmosServer({ dataDir });
    const client2 = new CosmosClient({ endpoint: server.endpoint, key: server.key });
    running.push({ server, client: client2 });
    const { resources: databases } = await client2.databases.readAll().fetchAll();
    expect(databases.map((d) => d.id)).toEqual(['sibyl']);
    const { resources: containers } = await client2.database('sibyl').containers.readAll().fetchAll();
    expect(containers).toEqual([]);
  });

  it('refuses a second live server on the same folder', async () => {
    await start();
    await expect(startCosmosServer({ dataDir })).rejects.toThrow(/in use by this process/);
  });
});
