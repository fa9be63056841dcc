/** `GET api/endpoints/{name}/metrics?minutes=60`: per-minute series per deployment. */
import { SibylError } from '../../errors';
import { getContainer } from '../../storage/cosmosDatabase';
import { queryDocs } from '../../storage/queryDocs';
import { quantile } from './latencyHistogram';
import { minuteOf, type MinuteMetricsDoc } from './metricsDocuments';
import { flushMetrics } from './metricsRecorder';

/** One minute of one deployment (`MetricPoint` of the API); latencies are 0 in a minute without requests. */
export interface MinutePoint {
  time: string;
  requests: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  meanBatchSize: number;
  collected: number;
  collectionDropped: number;
}

export interface EndpointMetrics {
  endpoint: string;
  minutes: number;
  deployments: Record<string, MinutePoint[]>;
}

export async function queryEndpointMetrics(
  endpoint: string,
  minutes: number,
  deployments: readonly string[],
): Promise<EndpointMetrics> {
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 7 * 24 * 60) {
    throw new SibylError('InvalidInput', `minutes must be a whole number from 1 to ${7 * 24 * 60}, got '${minutes}'.`);
  }
  await flushMetrics();
  const since = minuteOf(Date.now() - (minutes - 1) * 60000);
  const resources = await queryDocs<MinuteMetricsDoc>(
    getContainer('metrics'),
    'SELECT * FROM c WHERE c.endpoint = @endpoint AND c.minute >= @since',
    { '@endpoint': endpoint, '@since': since },
    endpoint,
  );
  const series: Record<string, MinutePoint[]> = Object.fromEntries(deployments.map((d) => [d, []]));
  for (const doc of resources.sort((a, b) => a.minute.localeCompare(b.minute))) {
    (series[doc.deployment] ??= []).push({
      time: doc.minute,
      requests: doc.requests,
      errors: doc.errors,
      p50Ms: quantile(doc.buckets, 0.5) ?? 0,
      p95Ms: quantile(doc.buckets, 0.95) ?? 0,
      p99Ms: quantile(doc.buckets, 0.99) ?? 0,
      meanBatchSize: doc.batches ? Math.round((doc.batchRows / doc.batches) * 100) / 100 : 0,
      collected: doc.collected ?? 0,
      collectionDropped: doc.collectionDropped ?? 0,
    });
  }
  return { endpoint, minutes, deployments: series };
}
