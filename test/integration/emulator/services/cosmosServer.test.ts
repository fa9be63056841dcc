import { CosmosClient, type Container, type ItemDefinition } from '@azure/cosmos';
import { startCosmosServer, type CosmosServerHandle } from '../../../../emulator/services/cosmosServer';

interface Model extends ItemDefinition {
  id: string;
  name: string;
  version: number;
  stage?: string;
}

describe('startCosmosServer (in memory) through @azure/cosmos v4', () => {
  let server: CosmosServerHandle;
  let client: CosmosClient;
  let container: Container;

  beforeAll(async () => {
    server = await startCosmosServer({ persist: false });
    client = new CosmosClient({ endpoint: server.endpoint, key: server.key });
    const { database } = await client.databases.createIfNotExists({ id: 'sibyl' });
    ({ container } = await database.containers.createIfNotExists({ id: 'models', partitionKey: { paths: ['/name'] } }));
  });
  afterAll(async () => {
    client.dispose();
    await server.stop();
  });

  it('serves plain http on loopback', () => {
    expect(server.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('upserts and queries with parameters', async () => {
    await container.items.upsert<Model>({ id: 'iris-1', name: 'iris', version: 1 });
    await container.items.upsert<Model>({ id: 'iris-2', name: 'iris', version: 2 });
    await container.items.upsert<Model>({ id: 'wine-1', name: 'wine', version: 1 });
    const { resources } = await container.items
      .query<Model>({
        query: 'SELECT * FROM c WHERE c.name = @name ORDER BY c.version DESC',
        parameters: [{ name: '@name', value: 'iris' }],
      })
      .fetchAll();
    expect(resources.map((m) => m.id)).toEqual(['iris-2', 'iris-1']);
  });

  it('pages with continuation tokens', async () => {
    for (let i = 0; i < 7; i += 1) await container.items.upsert<Model>({ id: `page-${i}`, name: 'paged', version: i });
    const query = {
      query: 'SELECT * FROM c WHERE c.name = @n ORDER BY c.version',
      parameters: [{ name: '@n', value: 'paged' }],
    };
    const seen: number[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await container.items.query<Model>(query, { maxItemCount: 3, continuationToken: token }).fetchNext();
      seen.push(...page.resources.map((m) => m.version));
      token = page.continuationToken;
      pages += 1;
    } while (token && pages < 10);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(pages).toBe(3);
  });

  it('answers a continuation token it could not have issued with 400, as Azure does', async () => {
    const query = {
      query: 'SELECT * FROM c WHERE c.name = @n ORDER BY c.version',
      parameters: [{ name: '@n', value: 'paged' }],
    };
    const first = await container.items.query<Model>(query, { maxItemCount: 3 }).fetchNext();
    expect(first.continuationToken).toBeDefined();
    const notArray = Buffer.from('{"a":1}').toString('base64');
    for (const token of [
      'garbage',
      '{"token":"nonsense"}',
      '{"range":{"min":"","max":"FF"}}',
      first.continuationToken.slice(0, -9),
      JSON.stringify({ token: `+RID:x#RT:1#TRC:3#RTD:${notArray}`, range: { min: '', max: 'FF' } }),
    ]) {
      const refusal = await container.items
        .query<Model>(query, { maxItemCount: 3, continuationToken: token })
        .fetchNext()
        .then(
          () => 'answered',
          (error: { code?: number }) => error.code,
        );
      expect(`${token} → ${String(refusal)}`).toBe(`${token} → 400`);
    }
    const second = await container.items
      .query<Model>(query, { maxItemCount: 3, continuationToken: first.continuationToken })
      .fetchNext();
    expect(second.resources.map((m) => m.version)).toEqual([3, 4, 5]);
  });

  it('refuses a replace with a stale ETag (412) and accepts the current one', async () => {
    const { resource: created } = await container.items.create<Model>({ id: 'etag-1', name: 'etag', version: 1 });
    const etag = created!._etag;
    const item = container.item('etag-1', 'etag');
    await item.replace<Model>(
      { id: 'etag-1', name: 'etag', version: 2 },
      { accessCondition: { type: 'IfMatch', condition: etag } },
    );
    await expect(
      item.replace<Model>(
        { id: 'etag-1', name: 'etag', version: 3 },
        { accessCondition: { type: 'IfMatch', condition: etag } },
      ),
    ).rejects.toMatchObject({ code: 412 });
    const { resource } = await item.read<Model>();
    expect(resource?.version).toBe(2);
  });

  it('patches and deletes', async () => {
    await container.items.create<Model>({ id: 'patch-1', name: 'patch', version: 1 });
    const item = container.item('patch-1', 'patch');
    const { resource: patched } = await item.patch<Model>([
      { op: 'set', path: '/stage', value: 'Production' },
      { op: 'incr', path: '/version', value: 1 },
    ]);
    expect(patched).toMatchObject({ stage: 'Production', version: 2 });
    await item.delete();
    const { statusCode } = await item.read();
    expect(statusCode).toBe(404);
  });

  it('runs a transactional batch with the partition key given once', async () => {
    await container.items.create<Model>({ id: 'b-0', name: 'batch', version: 0 });
    const batch = await container.items.batch(
      [
        { operationType: 'Create', resourceBody: { id: 'b-1', name: 'batch', version: 1 } },
        { operationType: 'Upsert', resourceBody: { id: 'b-2', name: 'batch', version: 2 } },
        { operationType: 'Replace', id: 'b-0', resourceBody: { id: 'b-0', name: 'batch', version: 10 } },
        {
          operationType: 'Patch',
          id: 'b-1',
          resourceBody: { operations: [{ op: 'set', path: '/stage', value: 'Staging' }] },
        },
        { operationType: 'Read', id: 'b-2' },
        { operationType: 'Delete', id: 'b-2' },
      ],
      'batch',
    );
    expect(batch.result?.map((r) => r.statusCode)).toEqual([201, 201, 200, 200, 200, 204]);
    const { resources } = await container.items
      .query<Model>('SELECT * FROM c WHERE c.name = "batch" ORDER BY c.id')
      .fetchAll();
    expect(resources.map((m) => [m.id, m.version, m.stage])).toEqual([
      ['b-0', 10, undefined],
      ['b-1', 1, 'Staging'],
    ]);
  });

  it('applies nothing of a transactional batch when one operation fails', async () => {
    await container.items.create<Model>({ id: 'a-0', name: 'atomic', version: 0 });
    await expect(
      container.items.batch(
        [
          { operationType: 'Upsert', resourceBody: { id: 'a-1', name: 'atomic', version: 1 } },
          { operationType: 'Replace', id: 'a-0', resourceBody: { id: 'a-0', name: 'atomic', version: 5 } },
          { operationType: 'Create', resourceBody: { id: 'a-0', name: 'atomic', version: 9 } },
        ],
        'atomic',
      ),
    ).rejects.toThrow(/Batch request error/);
    const { resources } = await container.items.query<Model>('SELECT * FROM c WHERE c.name = "atomic"').fetchAll();
    expect(resources.map((m) => [m.id, m.version])).toEqual([['a-0', 0]]);
  });

  it('runs bulk operations across partitions', async () => {
    const bulk = await container.items.executeBulkOperations([
      { operationType: 'Create', partitionKey: 'bulk', resourceBody: { id: 'k-1', name: 'bulk', version: 1 } },
      { operationType: 'Upsert', partitionKey: 'bulk2', resourceBody: { id: 'k-2', name: 'bulk2', version: 1 } },
      { operationType: 'Create', partitionKey: 'bulk', resourceBody: { id: 'k-1', name: 'bulk', version: 2 } },
    ]);
    expect(bulk.map((r) => r.response?.statusCode ?? r.error?.code)).toEqual([201, 201, 409]);
  });
});
