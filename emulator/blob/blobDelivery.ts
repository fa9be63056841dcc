/**
 * One blob version delivered to one function, once (docs/local-host-contract.md, "Event Grid and blob
 * triggers"): skipped when its receipt exists; a blob trigger gets the content of exactly the version listed,
 * an Event Grid function a BlobCreated event; failed tries are retried after doubling delays, then the
 * version gets a receipt, or a poison report once every try failed.
 */
import type { BlobItem } from '@azure/storage-blob';
import type { RpcTypedData } from '../core/rpcTypes';
import { invoke } from '../invoker';
import { toBlobCreatedEvent } from './blobCreatedEvent';
import type { BlobListenerOptions } from './blobListenerOptions';
import { statusOf, type BlobReceipts, type BlobVersion } from './blobReceipts';
import { quotedEtag, toBlobTriggerMetadata } from './blobTriggerMetadata';
import type { Watch } from './blobWatches';

export interface DeliveryContext {
  options: BlobListenerOptions;
  receipts: BlobReceipts;
  /** True once the listener stopped. */
  stopped: () => boolean;
  /** Waits `ms`, or less if the listener stops; true when it is still running. */
  pause: (ms: number) => Promise<boolean>;
}

/** True once the version needs no more work (receipt found, or written now); false when a later scan retries it. */
export async function deliverBlobVersion(
  watch: Watch,
  item: BlobItem,
  parameters: Record<string, string>,
  context: DeliveryContext,
): Promise<boolean> {
  const { fn, pattern, container } = watch;
  const { receipts, options } = context;
  const version: BlobVersion = {
    functionId: fn.name,
    container: pattern.container,
    blobName: item.name,
    etag: quotedEtag(item.properties.etag),
    blobType: item.properties.blobType ?? 'BlockBlob',
  };
  if (context.stopped()) return false;
  if (await receipts.has(version)) return true;
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
      if (statusOf(error) === 404 || statusOf(error) === 412) return false;
      throw error;
    }
  }
  const { log, functionTimeoutMs } = options;
  const maxAttempts = options.maxAttempts ?? 5;
  let reason = '';
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (attempt > 1 && !(await context.pause((options.retryDelayMs ?? 100) * 2 ** (attempt - 2)))) return false;
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
      await invoke(fn.name, [{ name: fn.triggerBindingName, data: input }, ...(options.extraInputs?.(fn.name) ?? [])], {
        triggerMetadata,
        timeoutMs: functionTimeoutMs,
      });
      succeeded = true;
    } catch (error) {
      reason = error instanceof Error ? error.message : String(error);
      log(
        'warning',
        `Blob trigger '${fn.name}' failed on '${pattern.container}/${item.name}' ` +
          `(try ${attempt} of ${maxAttempts}): ${reason}`,
      );
    }
    if (succeeded) {
      await receipts.write(version, { status: 'succeeded', attempts: attempt });
      return true;
    }
  }
  await receipts.poison(version, maxAttempts, reason);
  log(
    'error',
    `Blob trigger '${fn.name}': '${pattern.container}/${item.name}' (ETag ${version.etag}) ` +
      `failed ${maxAttempts} times; reported to the poison queue.`,
  );
  return true;
}
