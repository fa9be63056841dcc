/** The local folder cache of model files against the test run's Azurite: verified downloads, LRU eviction by bytes. */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import type { ModelManifest } from '../../../shared/registry/modelDocuments';
import { ModelFolderCache, ModelIntegrityError } from '../../../shared/registry/modelFolderCache';
import { pollUntil } from '../../support/poll';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('ModelFolderCache', () => {
  let container: ContainerClient;
  let dir: string;

  beforeAll(async () => {
    container = BlobServiceClient.fromConnectionString(
      process.env.SIBYL_TEST_STORAGE_CONNECTION_STRING!,
    ).getContainerClient(`cache-${randomUUID().slice(0, 8)}`);
    await container.create();
  });
  afterAll(async () => {
    await container.deleteIfExists();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'model-cache-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function store(name: string, version: number, files: Record<string, Buffer>): Promise<ModelManifest> {
    for (const [path, bytes] of Object.entries(files))
      await container.getBlockBlobClient(`${name}/${version}/${path}`).uploadData(bytes);
    return {
      name,
      version,
      type: 'custom',
      files: Object.entries(files).map(([path, bytes]) => ({ path, sizeBytes: bytes.length, sha256: sha256(bytes) })),
    };
  }

  it('downloads verified folders and evicts the least recently used past the byte limit', async () => {
    const cache = new ModelFolderCache({ dir, maxBytes: 250 });
    const a = await store('a', 1, { 'w.bin': Buffer.alloc(100, 1), 'sub/x.txt': Buffer.from('x') });
    const b = await store('b', 1, { 'w.bin': Buffer.alloc(100, 2) });
    const c = await store('c', 1, { 'w.bin': Buffer.alloc(100, 3) });
    const folderA = await cache.materialise(a, container);
    expect(readFileSync(join(folderA, 'sub/x.txt'), 'utf8')).toBe('x');
    const folderB = await cache.materialise(b, container);
    expect(await cache.materialise(a, container)).toBe(folderA); // a is now the most recently used
    const folderC = await cache.materialise(c, container);
    expect(existsSync(folderA)).toBe(true);
    expect(existsSync(folderC)).toBe(true);
    // 301 bytes > 250: b, the least recently used, went.
    await pollUntil(() => !existsSync(folderB), 'the evicted folder to be deleted');
  });

  it('refuses a file whose bytes changed in storage, naming both checksums, and keeps nothing of it', async () => {
    const cache = new ModelFolderCache({ dir, maxBytes: 10_000 });
    const manifest = await store('t', 1, { 'model.onnx': Buffer.from('registered') });
    await container.getBlockBlobClient('t/1/model.onnx').uploadData(Buffer.from('replaced!'));
    const error: unknown = await cache.materialise(manifest, container).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelIntegrityError);
    expect((error as Error).message).toContain(manifest.files[0]!.sha256);
    expect((error as Error).message).toContain(sha256(Buffer.from('replaced!')));
    const missing = await store('t', 2, { 'model.onnx': Buffer.from('x') });
    await container.getBlockBlobClient('t/2/model.onnx').delete();
    await expect(cache.materialise(missing, container)).rejects.toThrow(/missing from storage/);
  });
});
