/** A request abandoned while it waits in the queue (its timeout) leaves the queue unscored. */
import { expectedSums, fakeBatcher, feeds, sums, until } from './fakeModel';

describe('DynamicBatcher with abort signals', () => {
  it('drops an aborted queued request without scoring it, and scores the rest', async () => {
    const { model, batcher } = fakeBatcher({ maxBatchSize: 4 });
    model.hold();
    const first = batcher.submit(feeds(4, 0));
    await until(() => batcher.stats().inFlight === 1);
    const abandon = new AbortController();
    const dropped = batcher.submit(feeds(1, 100), abandon.signal);
    const kept = batcher.submit(feeds(1, 200));
    await until(() => batcher.stats().queued === 2);
    abandon.abort(new Error('timed out'));
    await expect(dropped).rejects.toThrow('timed out');
    expect(batcher.stats().queued).toBe(1);
    model.release();
    await first;
    const outputs = await kept;
    expect(sums(outputs)).toEqual(expectedSums(1, 200));
    expect(model.calls).toEqual([4, 1]);
  });

  it('takes back a request enqueued without a signal while it waits, and only then', async () => {
    const { model, batcher } = fakeBatcher({ maxBatchSize: 4 });
    model.hold();
    const first = batcher.enqueue(feeds(4, 0));
    await until(() => batcher.stats().inFlight === 1);
    const dropped = batcher.enqueue(feeds(1, 100));
    dropped.cancel(new Error('timed out'));
    await expect(dropped.result).rejects.toThrow('timed out');
    expect(batcher.stats().queued).toBe(0);
    model.release();
    await first.result;
    first.cancel(new Error('too late'));
    expect(model.calls).toEqual([4]);
  });

  it('refuses a request whose signal is already aborted', async () => {
    const { model, batcher } = fakeBatcher({ maxBatchSize: 4 });
    await expect(batcher.submit(feeds(1), AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
    expect(model.calls).toEqual([]);
  });
});
