/** `GET api/endpoints/{name}/metrics?minutes=60`: per-minute series per deployment. */
import { Type, type Static } from '@sinclair/typebox';
import { EndpointName, Timestamp } from './common';

/** One minute of one deployment. */
export const MetricPoint = Type.Object(
  {
    time: Timestamp,
    requests: Type.Integer({ minimum: 0, description: 'Requests answered in this minute.' }),
    errors: Type.Integer({ minimum: 0, description: 'Requests that ended in an error.' }),
    p50Ms: Type.Number({ minimum: 0, description: 'Median latency in ms.' }),
    p95Ms: Type.Number({ minimum: 0 }),
    p99Ms: Type.Number({ minimum: 0 }),
    meanBatchSize: Type.Number({ minimum: 0, description: 'Mean rows per model run (dynamic batching).' }),
    collected: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Collected lines (data collection) written in this minute.' }),
    ),
    collectionDropped: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Collected lines dropped because storage failed.' }),
    ),
  },
  { title: 'MetricPoint', description: 'Latency and volume of one deployment over one minute (start time in `time`).' },
);
export type MetricPoint = Static<typeof MetricPoint>;

export const EndpointMetrics = Type.Object(
  {
    endpoint: EndpointName,
    minutes: Type.Integer({ minimum: 1 }),
    deployments: Type.Record(Type.String(), Type.Array(MetricPoint), {
      description: 'Deployment name → per-minute series, oldest first.',
    }),
  },
  {
    title: 'EndpointMetrics',
    description: 'Per-minute series for each deployment of an endpoint.',
    examples: [
      {
        endpoint: 'iris',
        minutes: 60,
        deployments: {
          blue: [
            {
              time: '2024-06-01T12:00:00.000Z',
              requests: 120,
              errors: 0,
              p50Ms: 3.1,
              p95Ms: 7.9,
              p99Ms: 12.4,
              meanBatchSize: 4.2,
            },
          ],
        },
      },
    ],
  },
);
export type EndpointMetrics = Static<typeof EndpointMetrics>;

export const EndpointMetricsQuery = Type.Object(
  {
    minutes: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1440, description: 'How many minutes back (default 60).' }),
    ),
  },
  { title: 'EndpointMetricsQuery' },
);
export type EndpointMetricsQuery = Static<typeof EndpointMetricsQuery>;
