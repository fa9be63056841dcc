/**
 * Azurite (Blob, Queue, Table) inside this process, through its own server classes.
 *
 * Why in-process rather than the `azurite` CLI as a child: nothing can be left running when the host
 * or Jest dies, start-up is only module loading (well under a second), and the real bound ports come
 * straight from the servers (port 0 works). The cost is that Azurite shares the host's event loop,
 * which is fine for development traffic. Azurite's telemetry is only switched on by its CLI entry
 * (azurite.js calls AzuriteTelemetryClient.init); the server classes used here send nothing.
 *
 * Persisted mode: blob/queue contents are files written before the request completes, but Azurite
 * saves its metadata (LokiJS) every 5 s and on stop, so a crash can lose the last seconds of
 * changes. A clean stop loses nothing.
 */
import './azuriteTelemetry';
import * as path from 'node:path';
import * as fs from 'node:fs';
import BlobServer from 'azurite/dist/src/blob/BlobServer';
import BlobConfiguration, { type ExtentConfigurationArgs } from 'azurite/dist/src/blob/BlobConfiguration';
import QueueServer from 'azurite/dist/src/queue/QueueServer';
import QueueConfiguration from 'azurite/dist/src/queue/QueueConfiguration';
import TableServer from 'azurite/dist/src/table/TableServer';
import TableConfiguration from 'azurite/dist/src/table/TableConfiguration';
import { MemoryExtentChunkStore } from 'azurite/dist/src/common/persistence/MemoryExtentStore';
import type AzuriteServerBase from 'azurite/dist/src/common/ServerBase';
import { quietServiceLogger, type ServiceLogger } from './serviceLogger';

/** The well-known development account every Azurite accepts (public; not a secret). */
export const DEV_STORAGE_ACCOUNT = 'devstoreaccount1';
export const DEV_STORAGE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

const LOOPBACK = '127.0.0.1';
/** Seconds an idle keep-alive socket stays open (Azurite's default). */
const KEEP_ALIVE_SECONDS = 5;

export interface AzuritePorts {
  blob?: number;
  queue?: number;
  table?: number;
}

export interface AzuriteOptions {
  /** Keep everything in memory (tests). Otherwise data lives under `location`. */
  inMemory: boolean;
  /** Folder for persisted data (`<dataDir>/azurite`); required unless `inMemory`. */
  location?: string;
  /** Fixed ports; 0 or absent picks a free one. */
  ports?: AzuritePorts;
  log?: ServiceLogger;
}

export interface AzuriteHandle {
  /** devstoreaccount1 with explicit endpoints, so ports other than 10000-10002 work. */
  connectionString: string;
  blobEndpoint: string;
  queueEndpoint: string;
  tableEndpoint: string;
  /** Closes all three services and flushes persisted metadata; safe to call twice. */
  stop(): Promise<void>;
}

/** Same file names as the Azurite CLI uses, so `azurite --location <dir>` can open the same data. */
function storePaths(location: string, service: 'blob' | 'queue' | 'table') {
  return {
    metadata: path.join(location, `__azurite_db_${service}__.json`),
    extent: path.join(location, `__azurite_db_${service}_extent__.json`),
    destinations: [
      { locationId: 'Default', locationPath: path.join(location, `__${service}storage__`), maxConcurrency: 10 },
    ],
  };
}

function checkPort(name: string, port: number | undefined): number {
  const value = port ?? 0;
  if (!Number.isInteger(value) || value < 0 || value > 65535)
    throw new Error(`Azurite ${name} port must be an integer 0-65535, got ${String(port)}.`);
  return value;
}

/** Loose, skip API version check, no cert/key/pwd/oauth, path-style URLs kept: the same for all three services. */
const SERVER_FLAGS: AzuriteServerFlags = [true, true, '', '', '', undefined, false];

/**
 * The configuration arguments of an extent-storing service (Blob, Queue): access log off, debug log off, then
 * SERVER_FLAGS. In memory, each server gets its own chunk store: Azurite's default is one per process, shared by
 * every instance.
 */
function extentServiceArgs(options: AzuriteOptions, service: 'blob' | 'queue'): ExtentConfigurationArgs {
  const memory = options.inMemory;
  const store = storePaths(options.location ?? '', service);
  return [
    LOOPBACK,
    checkPort(service, options.ports?.[service]),
    KEEP_ALIVE_SECONDS,
    store.metadata,
    store.extent,
    store.destinations,
    false,
    undefined,
    false,
    undefined,
    ...SERVER_FLAGS,
    memory,
    memory ? new MemoryExtentChunkStore() : undefined,
  ];
}

function createServers(options: AzuriteOptions): Record<'blob' | 'queue' | 'table', AzuriteServerBase> {
  const memory = options.inMemory;
  const table = storePaths(options.location ?? '', 'table');
  // Table's arguments: as extentServiceArgs's, in Table's order and without extents.
  return {
    blob: new BlobServer(new BlobConfiguration(...extentServiceArgs(options, 'blob'))),
    queue: new QueueServer(new QueueConfiguration(...extentServiceArgs(options, 'queue'))),
    table: new TableServer(
      new TableConfiguration(
        LOOPBACK,
        checkPort('table', options.ports?.table),
        KEEP_ALIVE_SECONDS,
        table.metadata,
        false,
        false,
        undefined,
        undefined,
        ...SERVER_FLAGS,
        memory,
      ),
    ),
  };
}

/** Builds the connection string the SDKs and the Functions host understand for the given endpoints. */
export function azuriteConnectionString(endpoints: {
  blobEndpoint: string;
  queueEndpoint: string;
  tableEndpoint: string;
}): string {
  return (
    [
      'DefaultEndpointsProtocol=http',
      `AccountName=${DEV_STORAGE_ACCOUNT}`,
      `AccountKey=${DEV_STORAGE_KEY}`,
      `BlobEndpoint=${endpoints.blobEndpoint}`,
      `QueueEndpoint=${endpoints.queueEndpoint}`,
      `TableEndpoint=${endpoints.tableEndpoint}`,
    ].join(';') + ';'
  );
}

async function closeQuietly(server: AzuriteServerBase, log: ServiceLogger): Promise<void> {
  try {
    await server.close();
  } catch (error) {
    log.warn(`Azurite: closing a service failed: ${(error as Error).message}`);
  }
}

/**
 * Starts Azurite Blob, Queue and Table on loopback.
 *
 * @example
 *   const azurite = await startAzurite({ inMemory: true });
 *   const blobs = BlobServiceClient.fromConnectionString(azurite.connectionString);
 *   await azurite.stop();
 */
export async function startAzurite(options: AzuriteOptions): Promise<AzuriteHandle> {
  const log = options.log ?? quietServiceLogger;
  if (!options.inMemory) {
    if (!options.location) throw new Error('startAzurite: `location` is required unless `inMemory` is true.');
    fs.mkdirSync(options.location, { recursive: true });
  }
  const servers = createServers(options);
  const all: AzuriteServerBase[] = [servers.blob, servers.queue, servers.table];
  const started = await Promise.allSettled(all.map((server) => server.start()));
  const failure = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) {
    await Promise.all(
      all.filter((_, i) => started[i]?.status === 'fulfilled').map((server) => closeQuietly(server, log)),
    );
    const reason = failure.reason as NodeJS.ErrnoException;
    const hint =
      reason.code === 'EADDRINUSE' ? ' (a port is taken: is another Azurite running? pick other ports or 0)' : '';
    throw new Error(`Azurite failed to start: ${reason.message}${hint}`);
  }
  // Path-style endpoints carry the account name: http://127.0.0.1:<port>/devstoreaccount1.
  const blobEndpoint = `${servers.blob.getHttpServerAddress()}/${DEV_STORAGE_ACCOUNT}`;
  const queueEndpoint = `${servers.queue.getHttpServerAddress()}/${DEV_STORAGE_ACCOUNT}`;
  const tableEndpoint = `${servers.table.getHttpServerAddress()}/${DEV_STORAGE_ACCOUNT}`;
  log.info(
    `Azurite ${options.inMemory ? '(in memory)' : `(data in ${options.location ?? ''})`}: ` +
      `blob ${blobEndpoint}, queue ${queueEndpoint}, table ${tableEndpoint}`,
  );
  let stopping: Promise<void> | undefined;
  return {
    connectionString: azuriteConnectionString({ blobEndpoint, queueEndpoint, tableEndpoint }),
    blobEndpoint,
    queueEndpoint,
    tableEndpoint,
    stop() {
      stopping ??= Promise.all(all.map((server) => closeQuietly(server, log))).then(() => undefined);
      return stopping;
    },
  };
}
