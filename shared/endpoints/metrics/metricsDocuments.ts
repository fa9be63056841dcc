/**
 * One Cosmos document per endpoint, deployment and minute (container `metrics`, partition key
 * `/endpoint`, expiring after the container's TTL). Changing fields breaks stored metrics.
 */
export interface MinuteMetricsDoc {
  id: string;
  endpoint: string;
  deployment: string;
  /** ISO minute, e.g. `2026-11-25T09:41:00.000Z`. */
  minute: string;
  requests: number;
  errors: number;
  /** Request latency histogram (see latencyHistogram.ts). */
  buckets: number[];
  /** Model runs and rows they held (mean batch size = batchRows / batches). */
  batches: number;
  batchRows: number;
  /** Collected lines written and dropped (storage failures); absent in documents written before collection. */
  collected?: number;
  collectionDropped?: number;
  ttl?: number;
}

export const minuteOf = (time: number): string => new Date(Math.floor(time / 60000) * 60000).toISOString();
export const metricsDocId = (deployment: string, minute: string): string => `${deployment}|${minute}`;
