/**
 * Blob changes by polling (docs/local-host-contract.md, "Event Grid and blob triggers"), once per blob version (ETag),
 * with receipts and poison reports kept in the host's storage (see `BlobReceipts`):
 * - `blobTrigger` functions, whatever their `source` (`EventGrid` in Azure becomes polling here), get the
 *   blob's content, as the host's blob binding gives it;
 * - `eventGrid` functions get the storage account's `BlobCreated` events for the containers of their
 *   local subscription (the stand-in for an Event Grid subscription): URL and ETag, never the content,
 *   which is not read at all.
 * This file holds the polling: scans, one delivery at a time per function and blob, a bounded number at once.
 * What is watched is in blobWatches.ts, the delivery of one blob version in blobDelivery.ts.
 */
import type { BlobItem } from '@azure/storage-blob';
import { deliverBlobVersion } from './blobDelivery';
import type { BlobListenerOptions } from './blobListenerOptions';
import { statusOf } from './blobReceipts';
import { quotedEtag } from './blobTriggerMetadata';
import { expandAllContainers, prepareWatches, type PreparedWatches, type Watch } from './blobWatches';

export class BlobListener {
  readonly #options: BlobListenerOptions;
  #prepared: PreparedWatches | undefined;
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
    const { watches: fixed, allContainers } = this.#prepare();
    const watches = [...fixed, ...(await expandAllContainers(allContainers, this.#options.log))];
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

  /** The watches, compiled at the first scan. */
  #prepare(): PreparedWatches {
    return (this.#prepared ??= prepareWatches(this.#options));
  }

  #dispatch(watch: Watch, item: BlobItem, parameters: Record<string, string>): void {
    const key = `${watch.fn.name}\n${watch.pattern.container}/${item.name}`;
    const etag = quotedEtag(item.properties.etag);
    if (this.#inFlight.has(key) || this.#handled.get(key) === etag) return;
    const work = this.#withSlot(async () => {
      const done = await deliverBlobVersion(watch, item, parameters, {
        options: this.#options,
        receipts: this.#prepared!.receipts!,
        stopped: () => this.#stopped,
        pause: (ms) => this.#pause(ms),
      });
      if (done) this.#handled.set(key, etag);
    })
      .catch((error: Error) =>
        this.#options.log(
          'warning',
          `Blob trigger '${watch.fn.name}' on '${key.split('\n')[1]}': ${error.message} (will retry on a later scan)`,
        ),
      )
      .finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, work);
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
