/**
 * Blob changes by polling (docs/local-host-contract.md, "Event Grid and blob triggers"), once per blob version (ETag),
 * with receipts and poison reports kept in the host's storage (see `BlobReceipts`):
 * - `blobTrigger` functions, whatever their `source` (`EventGrid` in Azure becomes polling here), get the
 *   blob's content, as the host's blob binding gives it;
 * - `eventGrid` functions get the storage account's `BlobCreated` events for the containers of their
 *   local subscription (the stand-in for an Event Grid subscription): URL and ETag, never the content,
 *   which is not read at all.
 */
import { BlobServiceClient, type BlobItem, type ContainerClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import type { CoreLogLevel, RpcParameterBinding, RpcTypedData } from '../core/rpcTypes';
import { describeFunctions, type BlobFunction, type EventGridFunction } from '../functionCatalog';
import { invoke } from '../invoker';
import { compileBlobPathPattern, type BlobPathPattern } from './blobPathPattern';
import { BlobReceipts, statusOf, type BlobVersion } from './blobReceipts';
import { toBlobCreatedEvent } from './blobCreatedEvent';
import { quotedEtag, toBlobTriggerMetadata } from './blobTriggerMetadata';

/**
 * Which BlobCreated events an Event Grid function gets locally: those of `container` (`*`: every
 * container but the host's own) whose blob name starts with `prefix`, in the account of `connection`.
 */
export interface BlobEventSubscription {
  fn: EventGridFunction;
  container: string;
  prefix: string;
  connection: string;
}

/** Containers the host keeps for itself; never a source of events for `*` subscriptions. */
const HOST_CONTAINER = /^(azure-webjobs-|\$)/;

export interface BlobListenerOptions {
  log: (level: CoreLogLevel, message: string) => void;
  /** Input bindings besides the trigger (e.g. `durableClient`) for a function's invocation. */
  extraInputs?: (functionName: string) => RpcParameterBinding[];
  /** The connection string an app setting name stands for (a function's `connection`). */
  resolveConnection: (connectionName: string) => string;
  /** The setting naming the host's own storage, where receipts and the poison queue live. */
  hostConnection?: string;
  /** Part of the receipt path; the host's id. Default `sibyl`. */
  hostId?: string;
  /** How often to scan, in ms. Default 1000. */
  pollIntervalMs?: number;
  /** How many blobs are processed at once across all functions. Default 4. */
  maxConcurrency?: number;
  /** Tries per blob version before it is poisoned (`extensions.blobs.poisonBlobThreshold`). Default 5. */
  maxAttempts?: number;
  /** Wait before the second try, doubled for each further try. Default 100 ms. */
  retryDelayMs?: number;
  /** The host's `functionTimeout`, in ms. */
  functionTimeoutMs?: number;
  /** Default: the blob-trigger functions registered by the app, read at the first scan. */
  functions?: BlobFunction[];
  /** Event Grid functions and the blob events they subscribe to. */
  eventSubscriptions?: BlobEventSubscription[];
}

interface Watch {
  fn: BlobFunction | EventGridFunction;
  pattern: BlobPathPattern;
  container: ContainerClient;
  /** `content`: a blob trigger, given the blob; `event`: an Event Grid function, given a BlobCreated event. */
  delivers: 'content' | 'event';
}

/** A `*` subscription, expanded into one watch per container at every scan. */
interface AllContainers {
  subscription: BlobEventSubscription;
  service: BlobServiceClient;
  watches: Map<string, Watch>;
}

/** `{`/`}` are literal in a subscription's prefix, but parameter braces in a blob path pattern. */
function escapeBraces(text: string): string {
  return text.replace(/[{}]/g, (c) => c + c);
}

export class BlobListener {
  readonly #options: BlobListenerOptions;
  #watches: Watch[] | undefined;
  #allContainers: AllContainers[] = [];
  #receipts: BlobReceipts | undefined;
  /** Per function + blob: the work in progress (one at a time, whatever the ETag). */
  readonly #inFlight = new Map<string, Promise<void>>();
  /** Per function + blob: the ETag last handled, to skip the receipt lookup on later scans. */
  readonly #handled = new Map<string, string>();
  readonly #waiting: (() => void)[] = [];
  #running = 0;
  #scan: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  readonly #wake = new Set<() => void>();

  constructor(options: BlobListenerOptions) {
    this.#options = options;
  }

  /** Starts polling in the background: a scan now, then one every `pollIntervalMs` after each scan. */
  start(): void {
    if (this.#timer !== undefined || this.#stopped)
      throw new Error('The blob listener was already started or stopped; create a new one.');
    const loop = (): void => {
      if (this.#stopped) return;
      void this.#scanOnce().finally(() => {
        if (!this.#stopped) this.#timer = setTimeout(loop, this.#options.pollIntervalMs ?? 1000).unref();
      });
    };
    loop();
  }

  /** Scans now and resolves when every blob found, and any already in progress, has been handled. */
  async pollNow(): Promise<void> {
    await this.#scanOnce();
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight.values());
  }

  /** Stops polling, abandons pending retries (they run again after a restart) and waits for running work. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    for (const wake of this.#wake) wake();
    await this.#scan;
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight.values());
  }

  /** Scans are serialized: one that is asked for during another runs after it. */
  #scanOnce(): Promise<void> {
    const scan = (this.#scan ?? Promise.resolve()).then(() => this.#scanAll());
    this.#scan = scan.catch(() => undefined);
    return scan;
  }

  async #scanAll(): Promise<void> {
    if (this.#stopped) return;
    const watches = [...this.#prepare(), ...(await this.#expandAllContainers())];
    for (const watch of watches) {
      try {
        for await (const item of watch.container.listBlobsFlat({
          prefix: watch.pattern.prefix,
          includeMetadata: true,
        })) {
          if (this.#stopped) return;
          const parameters = watch.pattern.match(item.name);
          if (parameters) this.#dispatch(watch, item, parameters);
        }
      } catch (error) {
        // A container that does not exist yet simply has no blobs.
        if (statusOf(error) !== 404)
          this.#options.log(
            'warning',
            `Blob trigger '${watch.fn.name}': listing '${watch.pattern.container}' failed: ${(error as Error).message}`,
          );
      }
    }
  }

  /** One watch per container of the account for each `*` subscription (containers come and go). */
  async #expandAllContainers(): Promise<Watch[]> {
    const watches: Watch[] = [];
    for (const all of this.#allContainers) {
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
        this.#options.log(
          'warning',
          `Blob events for '${all.subscription.fn.name}': listing containers failed: ${(error as Error).message}`,
        );
      }
    }
    return watches;
  }

  /** Compiles each function's path and client once; a function that cannot be watched is reported once. */
  #prepare(): Watch[] {
    if (this.#watches) return this.#watches;
    const { log, resolveConnection } = this.#options;
    const functions =
      this.#options.functions ?? describeFunctions().filter((d): d is BlobFunction => d.kind === 'blob');
    const clients = new Map<string, BlobServiceClient>();
    const client = (connection: string): BlobServiceClient => {
      const existing = clients.get(connection);
      if (existing) return existing;
      const created = BlobServiceClient.fromConnectionString(resolveConnection(connection));
      clients.set(connection, created);
      return created;
    };
    const watches: Watch[] = [];
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
    for (const subscription of this.#options.eventSubscriptions ?? []) {
      const { fn, container, prefix, connection } = subscription;
      try {
        const where = `${container === '*' ? 'every container' : `'${container}'`}${prefix ? ` under '${prefix}'` : ''}`;
        if (container === '*')
          this.#allContainers.push({ subscription, service: client(connection), watches: new Map() });
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
    const host = this.#options.hostConnection ?? 'AzureWebJobsStorage';
    this.#watches = watches;
    if (watches.length > 0 || this.#allContainers.length > 0) {
      try {
        this.#receipts = new BlobReceipts(
          client(host),
          QueueServiceClient.fromConnectionString(resolveConnection(host)),
          this.#options.hostId ?? 'sibyl',
        );
      } catch (error) {
        log(
          'error',
          `Blob triggers are off: the host storage '${host}' (receipts, poison queue) is unusable: ${(error as Error).message}`,
        );
        this.#watches = [];
        this.#allContainers = [];
      }
    }
    return this.#watches;
  }

  #dispatch(watch: Watch, item: BlobItem, parameters: Record<string, string>): void {
    const key = `${watch.fn.name}\n${watch.pattern.container}/${item.name}`;
    if (this.#inFlight.has(key) || this.#handled.get(key) === quotedEtag(item.properties.etag)) return;
    const work = this.#withSlot(() => this.#process(watch, item, parameters, key))
      .catch((error: Error) =>
        this.#options.log(
          'warning',
          `Blob trigger '${watch.fn.name}' on '${key.split('\n')[1]}': ${error.message} (will retry on a later scan)`,
        ),
      )
      .finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, work);
  }

  async #process(watch: Watch, item: BlobItem, parameters: Record<string, string>, key: string): Promise<void> {
    const { fn, pattern, container } = watch;
    const receipts = this.#receipts!;
    const version: BlobVersion = {
      functionId: fn.name,
      container: pattern.container,
      blobName: item.name,
      etag: quotedEtag(item.properties.etag),
      blobType: item.properties.blobType ?? 'BlockBlob',
    };
    if (this.#stopped) return;
    if (await receipts.has(version)) {
      this.#handled.set(key, version.etag);
      return;
    }
    const blob = container.getBlobClient(item.name);
    let input: RpcTypedData;
    if (watch.delivers === 'event') {
      input = {
        json: JSON.stringify(
          toBlobCreatedEvent({ accountName: blob.accountName, container: pattern.container, item, url: blob.url }),
        ),
      };
    } else {
      try {
        input = { bytes: await blob.downloadToBuffer(0, undefined, { conditions: { ifMatch: version.etag } }) };
      } catch (error) {
        // Deleted (404) or rewritten (412) since the listing: the next scan sees the current version.
        if (statusOf(error) === 404 || statusOf(error) === 412) return;
        throw error;
      }
    }
    const { log, functionTimeoutMs } = this.#options;
    const maxAttempts = this.#options.maxAttempts ?? 5;
    let reason = '';
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1 && !(await this.#pause((this.#options.retryDelayMs ?? 100) * 2 ** (attempt - 2)))) return;
      let succeeded = false;
      try {
        const triggerMetadata =
          watch.delivers === 'content'
            ? toBlobTriggerMetadata({
                functionName: fn.name,
                container: pattern.container,
                item,
                uri: blob.url,
                parameters,
              })
            : undefined;
        await invoke(
          fn.name,
          [{ name: fn.triggerBindingName, data: input }, ...(this.#options.extraInputs?.(fn.name) ?? [])],
          { triggerMetadata, timeoutMs: functionTimeoutMs },
        );
        succeeded = true;
      } catch (error) {
        reason = error instanceof Error ? error.message : String(error);
        log(
          'warning',
          `Blob trigger '${fn.name}' failed on '${pattern.container}/${item.name}' (try ${attempt} of ${maxAttempts}): ${reason}`,
        );
      }
      if (succeeded) {
        await receipts.write(version, { status: 'succeeded', attempts: attempt });
        this.#handled.set(key, version.etag);
        return;
      }
    }
    await receipts.poison(version, maxAttempts, reason);
    this.#handled.set(key, version.etag);
    log(
      'error',
      `Blob trigger '${fn.name}': '${pattern.container}/${item.name}' (ETag ${version.etag}) ` +
        `failed ${maxAttempts} times; reported to the poison queue.`,
    );
  }

  /** Waits `ms`, or less if the listener stops; true when it is still running. */
  #pause(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#wake.delete(done);
        resolve(!this.#stopped);
      };
      const timer = setTimeout(done, ms);
      this.#wake.add(done);
    });
  }

  /** Runs `work` when one of `maxConcurrency` slots is free; a finished task hands its slot on. */
  async #withSlot<T>(work: () => Promise<T>): Promise<T> {
    if (this.#running < (this.#options.maxConcurrency ?? 4)) this.#running += 1;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running -= 1;
    }
  }
}
