import type { ModelSignature, NamedTensor } from '../../../../shared/scoring/datatypes';
import { DynamicBatcher, canBatch } from '../../../../shared/scoring/batching/dynamicBatcher';
import { expectedSums, fakeBatcher, feeds, sums, until } from './fakeModel';

describe('DynamicBatcher', () => {
  it('coalesces concurrent submits into one run and splits outputs per request', async () => {
    const { model, batcher } = fakeBatcher({ maxBatchSize: 16 });
    const results = await Promise.all([
      batcher.submit(feeds(1, 0)),
      batcher.submit(feeds(2, 10)),
      batcher.submit(feeds(3, 20)),
    ]);
    expect(model.calls).toEqual([6]);
    expect(results.map(sums)).toEqual([expectedSums(1, 0), expectedSums(2, 10), expectedSums(3, 20)]);
    const double = results[1].find((o) => o.name === 'double')!;
    expect(double.shape).toEqual([2, 2]);
    expect(Array.from(double.data as Float32Array)).toEqual([20, 20, 22, 22]);
    expect(batcher.stats()).toMatchObject({
      batches: 1,
      requests: 3,
      rows: 6,
      meanBatchSize: 6,
      meanRequestsPerBatch: 3,
      fallbacks: 0,
    });
  });

  it('never puts more than maxBatchSize rows in a run', async () => {
    const { model, batcher } = fakeBatcher({ maxBatchSize: 4 });
    const results = await Promise.all([0, 1, 2, 3, 4].map((i) => batcher.submit(feeds(2, i * 10))));
    expect(model.calls).toEqual([4, 4, 2]);
    expect(results.map(sums)).toEqual([0, 1, 2, 3, 4].map((i) => expectedSums(2, i * 10)));
    expect(batcher.stats()).toMatchObject({ batches: 3, rows: 10, meanBatchSize: 10 / 3 });
  });

  it('keeps each of 1000 concurrent requests paired with its own outputs', async () => {
    const { model, batcher } = fakeBatcher({ maxBatchSize: 64 });
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => batcher.submit(feeds(1 + (i % 3), i * 4))),
    );
    results.forEach((outputs, i) => expect(sums(outputs)).toEqual(expectedSums(1 + (i % 3), i * 4)));
    expect(model.calls.every((rows) => rows <= 64)).toBe(true);
    expect(model.calls.reduce((a, b) => a + b, 0)).toBe(1999);
    expect(model.calls.length).toBeLessThanOrEqual(Math.ceil(1999 / 62));
  });

  it('runs a request larger than maxBatchSize alone', async () => {
    const { model, batcher } = fakeBatcher({ maxBatchSize: 4 });
    const [big, small] = await Promise.all([batcher.submit(feeds(10, 0)), batcher.submit(feeds(1, 50))]);
    expect(model.calls).toEqual([10, 1]);
    expect(sums(big)).toEqual(expectedSums(10, 0));
    expect(sums(small)).toEqual(expectedSums(1, 50));
  });

  it('queues requests while a run is in flight and runs them as the next batch', async () => {
    const { model, batcher } = fakeBatcher({ maxBatchSize: 32 });
    model.hold();
    const first = batcher.submit(feeds(1, 0));
    await until(() => model.calls.length === 1);
    const later = [batcher.submit(feeds(2, 1)), batcher.submit(feeds(1, 3))];
    await until(() => batcher.stats().queued === 2);
    expect(model.calls).toEqual([1]);
    model.release();
    await first;
    await until(() => model.calls.length === 2);
    model.release();
    expect((await Promise.all(later)).map(sums)).toEqual([expectedSums(2, 1), expectedSums(1, 3)]);
    expect(model.calls).toEqual([1, 3]);
  });

  it('runs up to maxInFlight batches at once', async () => {
    const { model, batcher } = fakeBatcher({ maxBatchSize: 2, maxInFlight: 2 });
    model.hold();
    const all = Promise.all([0, 1, 2].map((i) => batcher.submit(feeds(2, i))));
    await until(() => model.calls.length === 2);
    expect(batcher.stats()).toMatchObject({ inFlight: 2, queued: 1 });
    model.release();
    await until(() => model.calls.length === 3);
    model.release();
    expect((await all).map(sums)).toEqual([0, 1, 2].map((i) => expectedSums(2, i)));
  });

  it('does not stack requests that differ in inner dims or datatype', async () => {
    const { model, batcher } = fakeBatcher({ maxBatchSize: 16 });
    const asFp64 = feeds(1, 7).map((t) => ({ ...t, datatype: 'FP64' as const }));
    const results = await Promise.all([
      batcher.submit(feeds(1, 0, 2)),
      batcher.submit(feeds(2, 1, 3)),
      batcher.submit(feeds(1, 5, 2)),
      batcher.submit(feeds(1, 9, 3)),
      batcher.submit(asFp64),
    ]);
    expect(model.calls).toEqual([2, 3, 1]);
    expect(results.map(sums)).toEqual([
      expectedSums(1, 0, 2),
      expectedSums(2, 1, 3),
      expectedSums(1, 5, 2),
      expectedSums(1, 9, 3),
      expectedSums(1, 7, 2),
    ]);
  });

  it('runs a request with no common dim 0 alone', async () => {
    const run = jest.fn((inputs: NamedTensor[]) => Promise.resolve(inputs));
    const batcher = new DynamicBatcher({ maxBatchSize: 8, run });
    const odd: NamedTensor[] = [
      { name: 'a', datatype: 'FP32', shape: [2], data: Float32Array.of(1, 2) },
      { name: 'b', datatype: 'FP32', shape: [3], data: Float32Array.of(1, 2, 3) },
    ];
    const [first, second] = await Promise.all([batcher.submit(odd), batcher.submit(odd)]);
    expect(run).toHaveBeenCalledTimes(2);
    expect(first).toBe(odd);
    expect(second).toBe(odd);
  });

  it('validates its options', () => {
    const run = (): Promise<NamedTensor[]> => Promise.resolve([]);
    expect(() => new DynamicBatcher({ maxBatchSize: 0, run })).toThrow('maxBatchSize must be an integer ≥ 1; got 0');
    expect(() => new DynamicBatcher({ maxBatchSize: 2.5, run })).toThrow(RangeError);
    expect(() => new DynamicBatcher({ maxBatchSize: 2, maxInFlight: 0, run })).toThrow('maxInFlight');
    expect(() => new DynamicBatcher({ maxBatchSize: 2, maxQueueDelayMs: -1, run })).toThrow('maxQueueDelayMs');
  });
});

describe('canBatch', () => {
  const sig = (inputShape: number[], outputShape: number[]): ModelSignature => ({
    inputs: [{ name: 'x', datatype: 'FP32', shape: inputShape }],
    outputs: [{ name: 'y', datatype: 'FP32', shape: outputShape }],
  });
  it('needs a dynamic first dim on every input and output', () => {
    expect(canBatch(sig([-1, 4], [-1]))).toBe(true);
    expect(canBatch(sig([1, 4], [1]))).toBe(false);
    expect(canBatch(sig([-1, 4], [3]))).toBe(false);
    expect(canBatch(sig([], [-1]))).toBe(false);
    expect(canBatch({ inputs: [], outputs: [] })).toBe(false);
  });
});
