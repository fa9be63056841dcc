// The host's retry policies (function-level `retry`, sent by the library as `retryOptions`).
import { app } from '@azure/functions';
import { retryPolicyOf } from '../../../emulator/retryPolicy';

const noop = (): void => undefined;
app.timer('rpFixed', {
  schedule: '0 0 * * * *',
  retry: { strategy: 'fixedDelay', delayInterval: { seconds: 2 }, maxRetryCount: 3 },
  handler: noop,
});
app.timer('rpBackoff', {
  schedule: '0 0 * * * *',
  retry: {
    strategy: 'exponentialBackoff',
    minimumInterval: { seconds: 1 },
    maximumInterval: { seconds: 5 },
    maxRetryCount: -1,
  },
  handler: noop,
});
app.timer('rpNone', { schedule: '0 0 * * * *', handler: noop });

describe('retry policies', () => {
  it('waits the fixed delay between tries, up to maxRetryCount', () => {
    const policy = retryPolicyOf('rpFixed')!;
    expect(policy.maxRetryCount).toBe(3);
    expect([1, 2, 3].map((n) => policy.delayMs(n))).toEqual([2000, 2000, 2000]);
  });

  it('doubles from the minimum up to the maximum interval, without end at -1', () => {
    const policy = retryPolicyOf('rpBackoff')!;
    expect(policy.maxRetryCount).toBe(-1);
    expect([1, 2, 3, 4, 5].map((n) => policy.delayMs(n))).toEqual([1000, 2000, 4000, 5000, 5000]);
  });

  it('has none when the function set none', () => {
    expect(retryPolicyOf('rpNone')).toBeUndefined();
  });
});
