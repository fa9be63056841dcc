import type { NamedTensor } from '../../../../shared/scoring/datatypes';
import { DynamicBatcher } from '../../../../shared/scoring/batching/dynamicBatcher';
import { expectedSums, fakeBatcher, feeds, sums, until } from './fakeModel';

function poisoned(): NamedTensor[] {
  const bad = feeds(1, 0);
  (bad[0]!.data as Float32Array)[0] = NaN;
  return bad;
}

describe('DynamicBatcher failure handling', () => {
  it('retries a failed batch request by request so only the poison request fails', async () => {
    const { model, batcher } = fakeBatcher({ maxBatchSize: 16 });
    const results = await Promise.allSettled([
      batcher.submit(feeds(2, 1)),
      batcher.submit(poisoned()),
      batcher.submit(feeds(1, 7)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(sums((results[0] as PromiseFulfilledResult<NamedTensor[]>).value)).toEqual(expectedSums(2, 1));
    expect(sums((results[2] as PromiseFulfilledResult<NamedTensor[]>).value)).toEqual(expectedSums(1, 7));
    expect(((results[1] as PromiseRejectedResult).reason as Error).message).toBe('poison row');
    expect(model.calls).toEqual([4, 2, 1, 1]);
    expect(batcher.stats()).toMatchObject({ batches: 1, requests: 3, fallbacks: 1 });
  });

  it('rejects a lone request with its own error, without a retry', async () => {
    const { model, batcher } = fakeBatcher({ maxBatchSize: 16 });
    await expect(batcher.submit(poisoned())).rejects.toThrow('poison row');
    expect(model.calls).toEqual([1]);
    expect(batcher.stats().fallbacks).toBe(0);
  });

  it('keeps serving after failures', async () => {
    const { batcher } = fakeBatcher({ maxBatchSize: 16 });
    await Promise.allSettled([batcher.submit(poisoned()), batcher.submit(poisoned())]);
    expect(sums(await batcher.submit(feeds(1, 3)))).toEqual(expectedSums(1, 3));
  });

  it('falls back when the batched outputs cannot be split per request', async () => {
    // A model whose output has no batch dimension: fine alone, unsplittable when batched.
    const run = jest.fn((inputs: NamedTensor[]) =>
      Promise.resolve([
        {
          name: 'total',
          datatype: 'FP32' as const,
          shape: [1],
          data: Float32Array.of((inputs[0]!.data as Float32Array).reduce((a, b) => a + b, 0)),
        },
      ]),
    );
    const batcher = new DynamicBatcher({ maxBatchSize: 16, run });
    const [a, b] = await Promise.all([batcher.submit(feeds(1, 1)), batcher.submit(feeds(1, 2))]);
    expect(run).toHaveBeenCalledTimes(3);
    expect(Array.from(a[0]!.data as Float32Array)).toEqual([2]);
    expect(Array.from(b[0]!.data as Float32Array)).toEqual([4]);
  });

  it('contains a run that throws synchronously', async () => {
    const batcher = new DynamicBatcher({
      maxBatchSize: 4,
      run: () => {
        throw new Error('sync failure');
      },
    });
    await expect(batcher.submit(feeds(1))).rejects.toThrow('sync failure');
    await until(() => batcher.stats().inFlight === 0);
    await expect(batcher.submit(feeds(1))).rejects.toThrow('sync failure');
  });
});
