import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import type { DurableEngine } from '../../../../emulator/durable/engine';
import { CallCounter, startEngine, tempDir } from './durableTestKit';

// Task ids the SDK allocates while processing retry and long-timer events must match the host's
// (docs/local-host-contract.md, "Durable replay engine"); a mismatch shows up as a hang or a wrong result, so these tests stress it.

const calls = new CallCounter();

df.app.activity('failTwice', {
  handler: (n: number) => {
    if (n < 10 && calls.hit(`failTwice:${n}`) <= 2) throw new Error(`attempt failed for ${n}`);
    if (n >= 10) calls.hit(`failTwice:${n}`);
    return n;
  },
});
df.app.activity('alwaysFails', {
  handler: (n: number) => {
    const attempt = calls.hit(`alwaysFails:${n}`);
    throw new Error(`attempt ${attempt} failed`);
  },
});
df.app.activity('double', { handler: (n: number) => n * 2 });

const retry = new df.RetryOptions(15, 3);
retry.backoffCoefficient = 2;

df.app.orchestration('manyRetries', function* (ctx: OrchestrationContext) {
  const results = (yield ctx.df.Task.all(
    [...Array(20).keys()].map((n) => ctx.df.callActivityWithRetry('failTwice', retry, n)),
  )) as number[];
  return results.reduce((a, b) => a + b, 0);
});

df.app.orchestration('exhausted', function* (ctx: OrchestrationContext) {
  try {
    yield ctx.df.callActivityWithRetry('alwaysFails', retry, 1);
    return 'unexpected';
  } catch (error) {
    const after: unknown = yield ctx.df.callActivity('double', 21);
    return { error: (error as Error).message, after };
  }
});

df.app.orchestration('mixed', function* (ctx: OrchestrationContext) {
  const start = ctx.df.currentUtcDateTime.getTime();
  const [value, , event] = (yield ctx.df.Task.all([
    ctx.df.callActivityWithRetry('failTwice', retry, 3),
    ctx.df.createTimer(new Date(start + 30)),
    ctx.df.waitForExternalEvent('early'),
  ])) as [number, unknown, string];
  const loser = ctx.df.createTimer(new Date(start + 60_000));
  const raced: unknown = yield ctx.df.Task.any([ctx.df.callActivityWithRetry('failTwice', retry, 4), loser]);
  if (!loser.isCompleted) loser.cancel();
  const doubled: unknown = yield ctx.df.callActivity('double', value);
  return { value, event, doubled, racedIsTimer: raced === loser };
});

df.app.orchestration('flakyChild', function* (ctx: OrchestrationContext) {
  const key = ctx.df.getInput<string>();
  yield ctx.df.callActivity('double', 1);
  if (!ctx.df.isReplaying && calls.hit(`child:${key}`) === 1) throw new Error('first child attempt fails');
  if (ctx.df.isReplaying && calls.get(`child:${key}`) === 1) throw new Error('first child attempt fails');
  return `child ${ctx.df.instanceId} ok`;
});

df.app.orchestration('retryParent', function* (ctx: OrchestrationContext) {
  return (yield ctx.df.callSubOrchestratorWithRetry('flakyChild', new df.RetryOptions(10, 2), 'k')) as string;
});

df.app.orchestration('longTimer', function* (ctx: OrchestrationContext) {
  const fireAt = new Date(ctx.df.currentUtcDateTime.getTime() + 250);
  yield ctx.df.createTimer(fireAt);
  const after: unknown = yield ctx.df.callActivity('double', 4);
  return { after, late: ctx.df.currentUtcDateTime.getTime() >= fireAt.getTime() };
});

describe('DurableEngine task ids for retries and long timers', () => {
  const tmp = tempDir();
  let engine: DurableEngine;

  beforeAll(async () => {
    // Tiny "long timer" limits so the SDK splits a 250 ms timer into 40 ms pieces.
    ({ engine } = await startEngine(tmp.dir, {
      maxConcurrentActivities: 20,
      timers: { maxShortTimerMs: 100, longTimerIntervalMs: 40 },
    }));
  });
  afterAll(async () => {
    await engine.stop();
    tmp.cleanup();
  });

  it('keeps ids in step when many retryable tasks fail at the same time', async () => {
    const id = await engine.startNew('manyRetries');
    const status = await engine.waitForCompletion(id, 20_000);
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: (19 * 20) / 2 });
    for (let n = 0; n < 10; n++) expect(calls.get(`failTwice:${n}`)).toBe(3);
    for (let n = 10; n < 20; n++) expect(calls.get(`failTwice:${n}`)).toBe(1);
    const history = (await engine.getStatus(id, { showHistory: true }))!.historyEvents!;
    expect(history.filter((e) => e.EventType === 'TimerCreated')).toHaveLength(20);
  });

  it('surfaces the last error once attempts are exhausted (a retry timer follows every failure)', async () => {
    const id = await engine.startNew('exhausted');
    const status = await engine.waitForCompletion(id, 10_000);
    const output = status.output as { error: string; after: number };
    expect(output.error).toContain('attempt 3 failed');
    expect(output.after).toBe(42);
    expect(calls.get('alwaysFails:1')).toBe(3);
    const history = (await engine.getStatus(id, { showHistory: true }))!.historyEvents!;
    expect(history.filter((e) => e.EventType === 'TimerCreated')).toHaveLength(3);
  });

  it('mixes retries, timers, Task.any and an early event', async () => {
    calls.reset();
    const id = await engine.startNew('mixed');
    await engine.raiseEvent(id, 'early', 'hello');
    const status = await engine.waitForCompletion(id, 10_000);
    expect(status.output).toEqual({ value: 3, event: 'hello', doubled: 6, racedIsTimer: false });
  });

  it('retries a failed sub-orchestration as a new child instance', async () => {
    const id = await engine.startNew('retryParent', { instanceId: 'rp' });
    const status = await engine.waitForCompletion(id, 10_000);
    // Attempt 1 is rp:0, the retry timer takes id 1, attempt 2 is rp:2.
    expect(status.output).toBe('child rp:2 ok');
    expect(engine.summary('rp:0')?.status).toBe('Failed');
  });

  it('splits a long timer into pieces and fires it at the end', async () => {
    const id = await engine.startNew('longTimer');
    const status = await engine.waitForCompletion(id, 10_000);
    expect(status.output).toEqual({ after: 8, late: true });
    const history = (await engine.getStatus(id, { showHistory: true }))!.historyEvents!;
    // The first piece, then at least one allocated while the SDK processes a piece's TimerFired
    // (how many depends on how late the pieces fire: each next piece is computed from that time).
    expect(history.filter((e) => e.EventType === 'TimerCreated').length).toBeGreaterThanOrEqual(2);
  });
});
