/**
 * The collection queue is bounded: past its bytes a scored request is dropped and counted at once
 * (never held, never blocking the answer), and a batch that storage refuses is dropped and counted too.
 */
import type { DeploymentDoc } from '../../../shared/endpoints/endpointDocuments';
import type { CollectedItem } from '../../../shared/monitoring/collectedLines';
import { recordCollection } from '../../../shared/endpoints/metrics/metricsRecorder';
import { collectRequest, flushCollectedData } from '../../../shared/monitoring/dataCollector';

jest.mock('../../../shared/endpoints/metrics/metricsRecorder', () => ({ recordCollection: jest.fn() }));
// Encoding is tested on its own (collectedLines.test.ts); here a request's lines are one block.
jest.mock('../../../shared/monitoring/collectionEncoder', () => ({
  encodeCollected: (items: CollectedItem[]) =>
    Promise.resolve(
      items.map((i) => ({
        ...i,
        path: `${i.requestId}.jsonl`,
        blocks: [{ bytes: new Uint8Array(1), lines: i.collections.length }],
        dropped: 0,
      })),
    ),
}));
jest.mock('../../../shared/datastores/datastoreStore', () => ({
  DEFAULT_DATASTORE: 'workspaceblobstore',
  readDatastoreDoc: () => Promise.reject(new Error('storage is down')),
}));

const recorded = recordCollection as jest.MockedFunction<typeof recordCollection>;
const doc = { endpoint: 'iris', name: 'blue', dataCollection: { enabled: true } } as unknown as DeploymentDoc;
const tensor = (elements: number) => ({
  tensors: [{ name: 'x', datatype: 'FP32' as const, shape: [1, elements], data: new Float32Array(elements) }],
});

describe('data collector', () => {
  it('drops and counts what does not fit the queue, and what storage refuses', async () => {
    const tenMiB = 10 * 1024 * 256;
    // 40 MiB queued, then a second 40 MiB request finds the 64 MiB bound: dropped on the spot.
    collectRequest(doc, 'req-1', tensor(4 * tenMiB), tensor(1));
    expect(recorded).not.toHaveBeenCalled();
    collectRequest(doc, 'req-2', tensor(4 * tenMiB), tensor(1));
    expect(recorded).toHaveBeenCalledWith('iris', 'blue', 0, 2);
    recorded.mockClear();
    await flushCollectedData();
    // The queued request's two lines reach a datastore that cannot be read: dropped and counted.
    const dropped = recorded.mock.calls.reduce((n, [, , written, lost]) => (expect(written).toBe(0), n + lost), 0);
    expect(dropped).toBe(2);
    // The flush emptied the queue and its byte count: the next request is queued, not dropped.
    recorded.mockClear();
    collectRequest(doc, 'req-3', tensor(4 * tenMiB), tensor(1));
    expect(recorded).not.toHaveBeenCalled();
    await flushCollectedData();
  });

  it('leaves a deployment that does not collect alone', async () => {
    recorded.mockClear();
    collectRequest({ ...doc, dataCollection: { enabled: false } }, 'req-4', tensor(1), tensor(1));
    await flushCollectedData();
    expect(recorded).not.toHaveBeenCalled();
  });
});
