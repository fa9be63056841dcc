/**
 * What the blob listener scans: one watch per blob-trigger function (its path pattern in its container) and
 * per Event Grid subscription (BlobCreated events of one container, or of every container for `*`), and the
 * host's receipts. Each connection gets one service client.
 */
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import type { CoreLogLevel } from '../core/rpcTypes';
import { describeFunctions, type BlobFunction, type EventGridFunction } from '../functionCatalog';
import type { BlobEventSubscription } from './blobEventSubscriptions';
import type { BlobListenerOptions } from './blobListenerOptions';
import { compileBlobPathPattern, type BlobPathPattern } from './blobPathPattern';
import { BlobReceipts } from './blobReceipts';

export interface Watch {
  fn: BlobFunction | EventGridFunction;
  pattern: BlobPathPattern;
  container: ContainerClient;
  /** `content`: a blob trigger, given the blob; `event`: an Event Grid function, given a BlobCreated event. */
  delivers: 'content' | 'event';
}

/** A `*` subscription, expanded into one watch per container at every scan. */
export interface AllContainers {
  subscription: BlobEventSubscription;
  service: BlobServiceClient;
  watches: Map<string, Watch>;
}

export interface PreparedWatches {
  /** The watches of one named container each. */
  watches: Watch[];
  allContainers: AllContainers[];
  /** Undefined when there is nothing to watch. */
  receipts: BlobReceipts | undefined;
}

/** Containers the host keeps for itself; never a source of events for `*` subscriptions. */
const HOST_CONTAINER = /^(azure-webjobs-|\$)/;

/** `{`/`}` are literal in a subscription's prefix, but parameter braces in a blob path pattern. */
function escapeBraces(text: string): string {
  return text.replace(/[{}]/g, (c) => c + c);
}

/** Compiles each function's path and client once; a function that cannot be watched is reported once. */
export function prepareWatches(options: BlobListenerOptions): PreparedWatches {
  const { log, resolveConnection } = options;
  const functions = options.functions ?? describeFunctions().filter((d): d is BlobFunction => d.kind === 'blob');
  const clients = new Map<string, BlobServiceClient>();
  const client = (connection: string): BlobServiceClient => {
    const existing = clients.get(connection);
    if (existing) return existing;
    const created = BlobServiceClient.fromConnectionString(resolveConnection(connection));
    clients.set(connection, created);
    return created;
  };
  const watches: Watch[] = [];
  const allContainers: AllContainers[] = [];
  for (const fn of functions) {
    try {
      const pattern = compileBlobPathPattern(fn.path);
      watches.push({
        fn,
        pattern,
        container: client(fn.connection).getContainerClient(pattern.container),
        delivers: 'content',
      });
      log(
        'information',
        `Blob trigger '${fn.name}': watching '${fn.path}' (connection '${fn.connection}', source ${fn.source}).`,
      );
    } catch (error) {
      log('error', `Blob trigger '${fn.name}' was not started: ${(error as Error).message}`);
    }
  }
  for (const subscription of options.eventSubscriptions ?? []) {
    const { fn, container, prefix, connection } = subscription;
    try {
      const where = `${container === '*' ? 'every container' : `'${container}'`}${prefix ? ` under '${prefix}'` : ''}`;
      if (container === '*') allContainers.push({ subscription, service: client(connection), watches: new Map() });
      else {
        const pattern = compileBlobPathPattern(`${container}/${escapeBraces(prefix)}{name}`);
        watches.push({ fn, pattern, container: client(connection).getContainerClient(container), delivers: 'event' });
      }
      log(
        'information',
        `Event Grid trigger '${fn.name}': BlobCreated events of ${where} (connection '${connection}'), by polling.`,
      );
    } catch (error) {
      log('error', `Blob events for '${fn.name}' were not started: ${(error as Error).message}`);
    }
  }
  if (watches.length === 0 && allContainers.length === 0) return { watches, allContainers, receipts: undefined };
  const host = options.hostConnection ?? 'AzureWebJobsStorage';
  try {
    const receipts = new BlobReceipts(
      client(host),
      QueueServiceClient.fromConnectionString(resolveConnection(host)),
      options.hostId ?? 'sibyl',
    );
    return { watches, allContainers, receipts };
  } catch (error) {
    log(
      'error',
      `Blob triggers are off: the host storage '${host}' (receipts, poison queue) is unusable: ` +
        (error as Error).message,
    );
    return { watches: [], allContainers: [], receipts: undefined };
  }
}

/** One watch per container of the account for each `*` subscription (containers come and go). */
export async function expandAllContainers(
  allContainers: AllContainers[],
  log: (level: CoreLogLevel, message: string) => void,
): Promise<Watch[]> {
  const watches: Watch[] = [];
  for (const all of allContainers) {
    try {
      for await (const container of all.service.listContainers()) {
        if (HOST_CONTAINER.test(container.name)) continue;
        let watch = all.watches.get(container.name);
        if (!watch) {
          const pattern = compileBlobPathPattern(`${container.name}/${escapeBraces(all.subscription.prefix)}{name}`);
          watch = {
            fn: all.subscription.fn,
            pattern,
            container: all.service.getContainerClient(container.name),
            delivers: 'event',
          };
          all.watches.set(container.name, watch);
        }
        watches.push(watch);
      }
    } catch (error) {
      log(
        'warning',
        `Blob events for '${all.subscription.fn.name}': listing containers failed: ${(error as Error).message}`,
      );
    }
  }
  return watches;
}
