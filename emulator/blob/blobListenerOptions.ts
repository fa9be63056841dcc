/** The settings of the blob listener (blobListener.ts): what it watches, how often, and how it retries. */
import type { CoreLogLevel, RpcParameterBinding } from '../core/rpcTypes';
import type { BlobFunction } from '../functionCatalog';
import type { BlobEventSubscription } from './blobEventSubscriptions';

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
