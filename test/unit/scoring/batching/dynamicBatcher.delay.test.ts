import { performance } from 'node:perf_hooks';
import { fakeBatcher, feeds, until } from './fakeModel';

/** Lets several turns of the event loop pass (not a timed sleep). */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('DynamicBatcher maxQueueDelayMs', () => {
  it('with no delay, runs what is queued without waiting for more', async () => {
    const { model, batcher } = fakeBatcher({ maxBatchSize: 8 });
    const first = batcher.submit(feeds(1));
    await until(() => model.calls.length === 1);
    await first;
    await batcher.submit(feeds(1));
    expect(model.calls).toEqual([1, 1]);
  });

  it('holds a partial batch for more rows that arrive within the delay', async () => {
    const { model, batcher } = fakeBatcher({ maxBatchSize: 3, maxQueueDelayMs: 30_000 });
    const first = batcher.submit(feeds(1, 0));
    await turns(20);
    expect(model.calls).toEqual([]);
    expect(batcher.stats().queued).toBe(1);
    const second = batcher.submit(feeds(2, 1));
    await Promise.all([first, second]);
    expect(model.calls).toEqual([3]);
  });

  describe('on a controlled clock', () => {
    // The batcher reads perf_hooks' performance.now() and waits with setTimeout; the test drives both.
    beforeEach(() => {
      jest.useFakeTimers({ doNotFake: ['setImmediate', 'clearImmediate', 'nextTick', 'queueMicrotask'] });
      jest.spyOn(performance, 'now').mockImplementation(() => jest.now());
    });
    afterEach(() => {
      jest.restoreAllMocks();
      jest.useRealTimers();
    });

    it('runs the partial batch once the oldest request has waited the delay, not before', async () => {
      const { model, batcher } = fakeBatcher({ maxBatchSize: 8, maxQueueDelayMs: 30 });
      const result = batcher.submit(feeds(2));
      await turns(5);
      await jest.advanceTimersByTimeAsync(29);
      await turns(5);
      expect(model.calls).toEqual([]);
      await jest.advanceTimersByTimeAsync(1);
      await result;
      expect(model.calls).toEqual([2]);
    });

    it('does not wait once a full batch is queued', async () => {
      const { model, batcher } = fakeBatcher({ maxBatchSize: 4, maxQueueDelayMs: 30_000 });
      // The clock never moves: the batch can only have run because it was full.
      await Promise.all([batcher.submit(feeds(2)), batcher.submit(feeds(2))]);
      expect(model.calls).toEqual([4]);
    });
  });

  it('runs an oversized request at once, and a batch when the next request would overflow it', async () => {
    const { model, batcher } = fakeBatcher({ maxBatchSize: 4, maxQueueDelayMs: 30_000 });
    await batcher.submit(feeds(9));
    const results = Promise.all([batcher.submit(feeds(3)), batcher.submit(feeds(3)), batcher.submit(feeds(1))]);
    await until(() => model.calls.length === 2);
    expect(model.calls).toEqual([9, 4]);
    expect(batcher.stats().queued).toBe(1);
    // The last request (3 rows) now waits alone for company; fill its batch to let it go.
    const filler = batcher.submit(feeds(1));
    await Promise.all([results, filler]);
    expect(model.calls).toEqual([9, 4, 4]);
  });
});
