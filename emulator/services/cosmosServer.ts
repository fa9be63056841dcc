/**
 * The local Cosmos DB (NoSQL) server: `@vercel/cosmosdb-server` over plain HTTP on loopback, in this
 * process, optionally durable under `<dataDir>/cosmos` (see cosmosDurableStore.ts).
 *
 * Plain HTTP because the package supports it (`createHttpServer`) and `@azure/cosmos` v4 accepts an
 * `http://` endpoint, so clients need no TLS agent; the same `new CosmosClient({ endpoint, key })`
 * code runs here and in Azure. The server does not check the key; we hand out the well-known
 * emulator key so that clients sign requests exactly as they would against the real emulator.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import Account from '@vercel/cosmosdb-server/lib/account';
import { createCosmosRequestHandler } from './cosmosRequestHandler';
import { openCosmosDurableStore, type CosmosDurableStore } from './cosmosDurableStore';
import { quietServiceLogger, type ServiceLogger } from './serviceLogger';

/** The Cosmos DB emulator's published key (public; the local server accepts any key). */
export const COSMOS_EMULATOR_KEY =
  'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

const LOOPBACK = '127.0.0.1';

export interface CosmosServerOptions {
  /** Keep data under `<dataDir>/cosmos` across restarts. Default true; tests pass false. */
  persist?: boolean;
  /** Root data folder; required when `persist` is not false. */
  dataDir?: string;
  /** Fixed port; 0 or absent picks a free one. */
  port?: number;
  /** Journal size (bytes) past which the store writes a snapshot and starts a new journal. */
  compactAfterBytes?: number;
  /** fsync each journal append (survives power loss, slower); default false (survives a process crash). */
  fsync?: boolean;
  log?: ServiceLogger;
}

export interface CosmosServerHandle {
  /** `http://127.0.0.1:<port>/` */
  endpoint: string;
  key: string;
  /** Stops accepting requests, closes connections, compacts and closes the store; safe to call twice. */
  stop(): Promise<void>;
}

function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, LOOPBACK, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive sockets of clients would otherwise hold close() open until they time out.
    server.closeAllConnections();
  });
}

/** Points the account document's locations at the real endpoint (the package assumes https). */
function setAccountEndpoint(account: Account, endpoint: string): void {
  const data = account.read() as {
    writableLocations?: { databaseAccountEndpoint: string }[];
    readableLocations?: { databaseAccountEndpoint: string }[];
  };
  for (const location of [...(data.writableLocations ?? []), ...(data.readableLocations ?? [])])
    location.databaseAccountEndpoint = endpoint;
}

/**
 * Starts the Cosmos server; with persistence, replays the stored state before accepting clients.
 *
 * @example
 *   const cosmos = await startCosmosServer({ persist: false });
 *   const client = new CosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key });
 *   ...; client.dispose(); await cosmos.stop();
 */
export async function startCosmosServer(options: CosmosServerOptions = {}): Promise<CosmosServerHandle> {
  const log = options.log ?? quietServiceLogger;
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`Cosmos server port must be an integer 0-65535, got ${String(options.port)}.`);
  const persist = options.persist ?? true;
  if (persist && !options.dataDir)
    throw new Error('startCosmosServer: `dataDir` is required unless `persist` is false.');

  const account = new Account(LOOPBACK, port);
  let store: CosmosDurableStore | undefined;
  if (persist) {
    store = openCosmosDurableStore(account, {
      dir: path.join(options.dataDir ?? '', 'cosmos'),
      compactAfterBytes: options.compactAfterBytes,
      fsync: options.fsync ?? false,
      log,
    });
  }
  const durable = store;
  const server = http.createServer(
    { keepAlive: true },
    createCosmosRequestHandler({ account, log, beforeRespond: durable ? () => durable.flush() : undefined }),
  );
  let boundPort: number;
  try {
    boundPort = await listen(server, port);
  } catch (error) {
    durable?.close();
    const reason = error as NodeJS.ErrnoException;
    const hint = reason.code === 'EADDRINUSE' ? ' (port taken; pick another or 0)' : '';
    throw new Error(`Cosmos server failed to start on ${LOOPBACK}:${port}: ${reason.message}${hint}`);
  }
  const endpoint = `http://${LOOPBACK}:${boundPort}/`;
  setAccountEndpoint(account, endpoint);
  log.info(`Cosmos server: ${endpoint}${durable ? ` (data in ${durable.dir})` : ' (in memory)'}`);

  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    key: COSMOS_EMULATOR_KEY,
    stop() {
      stopping ??= close(server).then(() => {
        if (!durable) return;
        try {
          durable.compact();
        } catch (error) {
          // The journal still holds every write; the next start replays it.
          log.warn(`Cosmos server: compacting on stop failed: ${(error as Error).message}`);
        }
        durable.close();
      });
      return stopping;
    },
  };
}
