/**
 * Per-minute request metrics per deployment, counted in memory and flushed to Cosmos every few
 * seconds with ETag merges (so instances add up). Scoring never waits on Cosmos for metrics.
 */
import type { Container } from '@azure/cosmos';
import { updateWithEtag } from '../../storage/updateWithEtag';
import { getContainer } from '../../storage/cosmosDatabase';
import { bucketOf, emptyBuckets } from './latencyHistogram';
import { metricsDocId, minuteOf, type MinuteMetricsDoc } from './metricsDocuments';

const FLUSH_INTERVAL_MS = 5000;
/** Kept for 7 days in Azure (ttl); the local server ignores TTLs. */
const TTL_SECONDS = 7 * 24 * 3600;

/** A minute's counts not yet written: the document without its id and TTL. */
type Pending = Omit<MinuteMetricsDoc, 'id' | 'ttl'>;

let pending = new Map<string, Pending>();
let timer: NodeJS.Timeout | undefined;
let flushing: Promise<void> | undefined;

/** The current minute's text and when it ends: every request needs it, and it changes once a minute. */
let minuteText = '';
let minuteEnds = 0;

/** The last entry returned, by endpoint and deployment, while its minute lasts and it is still pending. */
let last: { endpoint: string; deployment: string; pending: Map<string, Pending>; p: Pending } | undefined;

function currentMinute(now: number): string {
  if (now >= minuteEnds || now < minuteEnds - 60_000) {
    minuteText = minuteOf(now);
    minuteEnds = (Math.floor(now / 60_000) + 1) * 60_000;
    last = undefined;
  }
  return minuteText;
}

function entry(endpoint: string, deployment: string): Pending {
  const minute = currentMinute(Date.now());
  if (last && last.pending === pending && last.endpoint === endpoint && last.deployment === deployment) return last.p;
  const key = `${endpoint}|${deployment}|${minute}`;
  let p = pending.get(key);
  if (!p) {
    p = {
      endpoint,
      deployment,
      minute,
      requests: 0,
      errors: 0,
      buckets: emptyBuckets(),
      batches: 0,
      batchRows: 0,
      collected: 0,
      collectionDropped: 0,
    };
    pending.set(key, p);
  }
  timer ??= setTimeout(() => {
    timer = undefined;
    void flushMetrics().catch(() => undefined);
  }, FLUSH_INTERVAL_MS).unref();
  last = { endpoint, deployment, pending, p };
  return p;
}

export function recordRequest(endpoint: string, deployment: string, latencyMs: number, failed: boolean): void {
  const p = entry(endpoint, deployment);
  p.requests++;
  if (failed) p.errors++;
  p.buckets[bucketOf(latencyMs)]!++;
}

export function recordBatch(endpoint: string, deployment: string, rows: number): void {
  const p = entry(endpoint, deployment);
  p.batches++;
  p.batchRows += rows;
}

/** Lines of collected data written, and dropped because storage failed (model monitoring). */
export function recordCollection(endpoint: string, deployment: string, written: number, dropped: number): void {
  if (written === 0 && dropped === 0) return;
  const p = entry(endpoint, deployment);
  p.collected = (p.collected ?? 0) + written;
  p.collectionDropped = (p.collectionDropped ?? 0) + dropped;
}

async function merge(container: Container, p: Pending): Promise<void> {
  const id = metricsDocId(p.deployment, p.minute);
  await updateWithEtag<MinuteMetricsDoc>(container, id, p.endpoint, (current) =>
    current
      ? {
          ...current,
          requests: current.requests + p.requests,
          errors: current.errors + p.errors,
          buckets: current.buckets.map((count, i) => count + (p.buckets[i] ?? 0)),
          batches: current.batches + p.batches,
          batchRows: current.batchRows + p.batchRows,
          collected: (current.collected ?? 0) + (p.collected ?? 0),
          collectionDropped: (current.collectionDropped ?? 0) + (p.collectionDropped ?? 0),
        }
      : { ...p, id, ttl: TTL_SECONDS },
  );
}

/** Writes what was counted so far (the metrics route calls it first, so readers see their own calls). */
export function flushMetrics(): Promise<void> {
  const run = async () => {
    await flushing;
    const batch = pending;
    pending = new Map();
    if (batch.size === 0) return;
    const container = getContainer('metrics');
    const failed: Pending[] = [];
    await Promise.all(
      [...batch.values()].map((p) =>
        merge(container, p).catch(() => {
          failed.push(p);
        }),
      ),
    );
    // Counts that could not be written are kept for the next flush rather than lost.
    for (const p of failed) {
      const key = `${p.endpoint}|${p.deployment}|${p.minute}`;
      const now = pending.get(key);
      if (!now) pending.set(key, p);
      else {
        now.requests += p.requests;
        now.errors += p.errors;
        now.batches += p.batches;
        now.batchRows += p.batchRows;
        now.collected = (now.collected ?? 0) + (p.collected ?? 0);
        now.collectionDropped = (now.collectionDropped ?? 0) + (p.collectionDropped ?? 0);
        p.buckets.forEach((c, i) => (now.buckets[i]! += c));
      }
    }
  };
  flushing = run();
  return flushing;
}
