/**
 * Azurite for the blob trigger's integration tests: the shared instance when the global setup exported
 * `SIBYL_TEST_STORAGE_CONNECTION_STRING`, otherwise a private in-memory one on free loopback ports.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';

/** Azurite's well-known development account. */
const ACCOUNT = 'devstoreaccount1';
const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteForTest {
  connectionString: string;
  stop(): Promise<void>;
}

export async function startAzuriteForTest(): Promise<AzuriteForTest> {
  const shared = process.env.SIBYL_TEST_STORAGE_CONNECTION_STRING;
  if (shared) return { connectionString: shared, stop: () => Promise.resolve() };

  const script = path.join(path.dirname(require.resolve('azurite/package.json')), 'dist', 'src', 'azurite.js');
  const args = ['--blobHost', '127.0.0.1', '--queueHost', '127.0.0.1', '--tableHost', '127.0.0.1'];
  args.push(
    '--blobPort',
    '0',
    '--queuePort',
    '0',
    '--tablePort',
    '0',
    '--inMemoryPersistence',
    '--skipApiVersionCheck',
    '--disableTelemetry',
    '--silent',
  );
  const child = spawn(process.execPath, [script, ...args], { cwd: os.tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] });
  const ports = await new Promise<{ blob: string; queue: string }>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error('Azurite did not start within 30 s.')), 30_000);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      child.kill();
      reject(new Error(`${error.message}\n${output}`));
    };
    const read = (chunk: Buffer): void => {
      output += chunk.toString();
      const blob = /Blob service is successfully listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1];
      const queue = /Queue service is successfully listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1];
      if (blob && queue) {
        clearTimeout(timer);
        resolve({ blob, queue });
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => fail(new Error(`Azurite exited (code ${code}) before it was ready.`)));
    child.once('error', fail);
  });
  child.removeAllListeners('exit');
  // Keep draining its output so a full pipe never blocks it.
  for (const stream of [child.stdout, child.stderr]) {
    stream?.removeAllListeners('data');
    stream?.resume();
  }
  const connectionString =
    `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};` +
    `BlobEndpoint=http://127.0.0.1:${ports.blob}/${ACCOUNT};QueueEndpoint=http://127.0.0.1:${ports.queue}/${ACCOUNT};`;
  return { connectionString, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill();
  });
}

/** Azurite as the enclosing describe block sees it, once its `beforeAll` has run. */
export interface BlockAzurite {
  readonly connectionString: string;
  readonly blobs: BlobServiceClient;
  /** The container `name`, created when missing. */
  container: (name: string) => Promise<ContainerClient>;
}

/**
 * Starts Azurite before the enclosing block's tests and stops it after them; `beforeStop` runs first (to delete
 * what the block wrote).
 */
export function azuriteForBlock(beforeStop?: (blobs: BlobServiceClient) => Promise<unknown>): BlockAzurite {
  let azurite: AzuriteForTest | undefined;
  let blobs: BlobServiceClient | undefined;
  beforeAll(async () => {
    azurite = await startAzuriteForTest();
    blobs = BlobServiceClient.fromConnectionString(azurite.connectionString);
  });
  afterAll(async () => {
    if (blobs) await beforeStop?.(blobs);
    await azurite?.stop();
  });
  return {
    get connectionString() {
      return azurite!.connectionString;
    },
    get blobs() {
      return blobs!;
    },
    container: async (name) => {
      const client = blobs!.getContainerClient(name);
      await client.createIfNotExists();
      return client;
    },
  };
}
