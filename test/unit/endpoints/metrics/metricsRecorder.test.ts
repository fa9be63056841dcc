/**
 * Request counts land in the document of their endpoint, deployment and minute, however requests
 * interleave, across minute boundaries and across flushes (the recorder keeps the current minute's
 * entry at hand between requests).
 */
import { flushMetrics, recordBatch, recordRequest } from '../../../../shared/endpoints/metrics/metricsRecorder';
import type { MinuteMetricsDoc } from '../../../../shared/endpoints/metrics/metricsDocuments';
import { updateWithEtag } from '../../../../shared/storage/updateWithEtag';

jest.mock('../../../../shared/storage/cosmosDatabase', () => ({ getContainer: () => ({}) }));
jest.mock('../../../../shared/storage/updateWithEtag', () => ({ updateWithEtag: jest.fn() }));

const update = updateWithEtag as unknown as jest.Mock;
/** What the flushes wrote, by partition key and document id (merged as Cosmos would hold them). */
const written = new Map<string, MinuteMetricsDoc>();

beforeEach(() => {
  written.clear();
  update.mockImplementation(
    (_container: unknown, id: string, pk: string, change: (current?: MinuteMetricsDoc) => MinuteMetricsDoc) => {
      written.set(`${pk}/${id}`, change(written.get(`${pk}/${id}`)));
      return Promise.resolve();
    },
  );
  jest.useFakeTimers({ now: Date.parse('2026-12-05T10:00:30.000Z') });
});
afterEach(() => jest.useRealTimers());

const counts = (id: string) => {
  const doc = written.get(id);
  return doc && { requests: doc.requests, errors: doc.errors, batches: doc.batches, batchRows: doc.batchRows };
};

it('counts each deployment and minute apart, across minute boundaries and flushes', async () => {
  recordRequest('iris', 'blue', 3, false);
  recordRequest('iris', 'blue', 4, true);
  recordRequest('iris', 'green', 5, false);
  recordRequest('iris', 'blue', 6, false);
  recordBatch('iris', 'blue', 7);
  jest.setSystemTime(Date.parse('2026-12-05T10:00:59.999Z'));
  recordRequest('iris', 'blue', 1, false);
  jest.setSystemTime(Date.parse('2026-12-05T10:01:00.000Z'));
  recordRequest('iris', 'blue', 1, false);
  recordRequest('wine', 'blue', 1, false);
  await flushMetrics();
  recordRequest('iris', 'blue', 1, true);
  // The clock stepped back (NTP): the count goes to the minute it reads.
  jest.setSystemTime(Date.parse('2026-12-05T10:00:10.000Z'));
  recordRequest('iris', 'blue', 1, false);
  await flushMetrics();

  expect(counts('iris/blue|2026-12-05T10:00:00.000Z')).toEqual({ requests: 5, errors: 1, batches: 1, batchRows: 7 });
  expect(counts('iris/green|2026-12-05T10:00:00.000Z')).toEqual({ requests: 1, errors: 0, batches: 0, batchRows: 0 });
  expect(counts('iris/blue|2026-12-05T10:01:00.000Z')).toEqual({ requests: 2, errors: 1, batches: 0, batchRows: 0 });
  expect(counts('wine/blue|2026-12-05T10:01:00.000Z')).toEqual({ requests: 1, errors: 0, batches: 0, batchRows: 0 });
  const endpoints = [...written.values()].map((d) => `${d.endpoint}/${d.deployment}@${d.minute.slice(11, 16)}`);
  expect(endpoints.sort()).toEqual(['iris/blue@10:00', 'iris/blue@10:01', 'iris/green@10:00', 'wine/blue@10:01']);
});

it('keeps counts whose write failed for the next flush, and adds to them', async () => {
  update.mockImplementationOnce(() => Promise.reject(new Error('Cosmos is away')));
  recordRequest('iris', 'blue', 3, false);
  await flushMetrics();
  expect(written.size).toBe(0);
  recordRequest('iris', 'blue', 3, false);
  await flushMetrics();
  expect(counts('iris/blue|2026-12-05T10:00:00.000Z')).toEqual({ requests: 2, errors: 0, batches: 0, batchRows: 0 });
});
