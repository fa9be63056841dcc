/**
 * A function's retry policy (`retry` in `app.timer(...)`, sent as `retryOptions`), as the host applies
 * it to the triggers that support it (the timer here): the invocation runs again after a failure, up to
 * `maxRetryCount` more times (`-1`: without end), waiting `delayInterval` (`fixedDelay`) or a doubling
 * delay from `minimumInterval` up to `maximumInterval` (`exponentialBackoff`); each run's
 * `retryContext` says which try it is.
 */
import { state } from './core/functionsCore';

export interface RetryPolicy {
  maxRetryCount: number;
  /** Wait before retry number `retry` (1-based). */
  delayMs(retry: number): number;
}

interface RpcRetryOptions {
  retryStrategy?: unknown;
  maxRetryCount?: unknown;
  delayInterval?: { seconds?: unknown } | null;
  minimumInterval?: { seconds?: unknown } | null;
  maximumInterval?: { seconds?: unknown } | null;
}

const ms = (duration: { seconds?: unknown } | null | undefined): number =>
  Math.max(0, Number(duration?.seconds ?? 0) * 1000 || 0);

/** The policy the app registered for `functionName`, if any. */
export function retryPolicyOf(functionName: string): RetryPolicy | undefined {
  const options = state.functions.get(functionName)?.metadata.retryOptions as RpcRetryOptions | undefined;
  if (!options) return undefined;
  const maxRetryCount = Number(options.maxRetryCount ?? 0);
  if (!Number.isInteger(maxRetryCount) || maxRetryCount === 0) return undefined;
  if (options.retryStrategy === 'exponentialBackoff') {
    const min = ms(options.minimumInterval);
    const max = ms(options.maximumInterval) || Number.MAX_SAFE_INTEGER;
    return { maxRetryCount, delayMs: (retry) => Math.min(max, min * 2 ** (retry - 1)) };
  }
  const fixed = ms(options.delayInterval);
  return { maxRetryCount, delayMs: () => fixed };
}
