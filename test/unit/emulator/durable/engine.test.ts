import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import type { DurableEngine } from '../../../../emulator/durable/engine';
import { CallCounter, gate, startEngine, tempDir, until } from './durableTestKit';

const flakyCalls = new CallCounter();
const releaseSlow = { current: gate() };
let branch: 'a' | 'b' = 'a';

df.app.activity('flaky', {
  handler: (n: number) => {
    if (flakyCalls.hit(n) === 1 && n === 7) throw new Error(`flaky ${n} failed once`);
    return n * 2;
  },
});
df.app.activity('boom', {
  handler: () => {
    throw new Error('kaboom');
  },
});
df.app.activity('echo', { handler: (value: unknown) => value });
df.app.activity('bytes', { handler: () => Buffer.from('hi') });
df.app.activity('slow', {
  handler: async (value: unknown) => {
    await releaseSlow.current.wait;
    return value;
  },
});

const retry = new df.RetryOptions(20, 3);

df.app.orchestration('fanOutRetry', function* (ctx: OrchestrationContext) {
  const inputs = [...Array(50).keys()];
  const results = (yield ctx.df.Task.all(
    inputs.map((n) => ctx.df.callActivityWithRetry('flaky', retry, n)),
  )) as number[];
  return results.reduce((a, b) => a + b, 0);
});

df.app.orchestration('race', function* (ctx: OrchestrationContext) {
  const ms = ctx.df.getInput<number>();
  const timer = ctx.df.createTimer(new Date(ctx.df.currentUtcDateTime.getTime() + ms));
  const approval = ctx.df.waitForExternalEvent('approve');
  const winner: unknown = yield ctx.df.Task.any([timer, approval]);
  if (winner === approval) {
    timer.cancel();
    return { approved: approval.result };
  }
  return 'timed out';
});

df.app.orchestration('child', function* (ctx: OrchestrationContext) {
  const input = ctx.df.getInput<{ fail?: boolean; value: number }>();
  if (input.fail) throw new Error('child exploded');
  const echoed = (yield ctx.df.callActivity('echo', input.value)) as number;
  return { echoed, parent: ctx.df.parentInstanceId ?? null };
});

df.app.orchestration('parent', function* (ctx: OrchestrationContext) {
  const ok: unknown = yield ctx.df.callSubOrchestrator('child', { value: 5 });
  try {
    yield ctx.df.callSubOrchestrator('child', { fail: true, value: 1 });
    return { ok, failure: null };
  } catch (error) {
    return { ok, failure: (error as Error).message };
  }
});

df.app.orchestration('counter', function* (ctx: OrchestrationContext) {
  const n = ctx.df.getInput<number>();
  if (n < 3) {
    yield ctx.df.callActivity('echo', n);
    ctx.df.continueAsNew(n + 1);
    return undefined;
  }
  return `reached ${n}`;
});

df.app.orchestration('waiter', function* (ctx: OrchestrationContext) {
  ctx.df.setCustomStatus({ stage: 'waiting' });
  const first: unknown = yield ctx.df.callActivity('slow', 'warm-up');
  const data: unknown = yield ctx.df.waitForExternalEvent('go');
  ctx.df.setCustomStatus({ stage: 'done' });
  return { first, data };
});

df.app.orchestration('failures', function* (ctx: OrchestrationContext) {
  let message = '';
  try {
    yield ctx.df.callActivity('boom');
  } catch (error) {
    message = (error as Error).message;
  }
  const bytes: unknown = yield ctx.df.callActivity('bytes');
  return { message, bytes };
});

df.app.orchestration('drifting', function* (ctx: OrchestrationContext) {
  yield ctx.df.callActivity(branch === 'a' ? 'slow' : 'echo', 1);
  return 'never';
});

df.app.orchestration('entityUser', function* (ctx: OrchestrationContext) {
  yield ctx.df.callEntity(new df.EntityId('counter', 'k'), 'add', 1);
  return 'never';
});

describe('DurableEngine (in-process, real durable-functions SDK)', () => {
  const tmp = tempDir();
  let engine: DurableEngine;

  beforeAll(async () => {
    ({ engine } = await startEngine(tmp.dir));
  });
  afterAll(async () => {
    releaseSlow.current.open();
    await engine.stop();
    tmp.cleanup();
  });

  it('fans out 50 activities with callActivityWithRetry, retries the one that fails once, and fans in', async () => {
    const id = await engine.startNew('fanOutRetry');
    const status = await engine.waitForCompletion(id, 20_000);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toBe(2 * ((49 * 50) / 2));
    expect(flakyCalls.get(7)).toBe(2);
    for (const n of [0, 1, 6, 8, 49]) expect(flakyCalls.get(n)).toBe(1);
    const history = (await engine.getStatus(id, { showHistory: true }))!.historyEvents!;
    expect(history.filter((e) => e.EventType === 'TimerCreated')).toHaveLength(1);
    expect(history.filter((e) => e.EventType === 'TaskFailed')).toHaveLength(1);
    expect(history.filter((e) => e.EventType === 'TaskCompleted')).toHaveLength(50);
  });

  it('Task.any: the event wins the race and cancels the timer', async () => {
    const id = await engine.startNew('race', { input: 60_000 });
    await until(() => engine.summary(id)?.status === 'Running', 'race to start');
    expect(await engine.raiseEvent(id, 'approve', { by: 'ops' })).toBe('accepted');
    const status = await engine.waitForCompletion(id, 5_000);
    // Completing within the wait above, long before the 60 s timer, is what shows the event won.
    expect(status.output).toEqual({ approved: { by: 'ops' } });
  });

  it('Task.any: the timer wins when no event comes', async () => {
    const id = await engine.startNew('race', { input: 40 });
    const status = await engine.waitForCompletion(id, 5_000);
    expect(status.output).toBe('timed out');
    expect(await engine.raiseEvent(id, 'approve', true)).toBe('gone');
  });

  it('runs sub-orchestrations: a result comes back, a failure surfaces as an error', async () => {
    const id = await engine.startNew('parent', { instanceId: 'parent-1' });
    const status = await engine.waitForCompletion(id, 10_000);
    expect(status.runtimeStatus).toBe('Completed');
    const output = status.output as { ok: unknown; failure: string };
    expect(output.ok).toEqual({ echoed: 5, parent: 'parent-1' });
    expect(output.failure).toContain("Orchestrator function 'child' failed: child exploded");
    expect(engine.summary('parent-1:0')?.status).toBe('Completed');
    expect(engine.summary('parent-1:1')?.status).toBe('Failed');
  });

  it('continues as new until done, keeping the instance id', async () => {
    const id = await engine.startNew('counter', { instanceId: 'counter-1', input: 0 });
    const status = await engine.waitForCompletion(id, 10_000);
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: 'reached 3', input: 3 });
  });

  it('delivers an event raised before the orchestrator waits for it, and reports custom status', async () => {
    releaseSlow.current = gate();
    const id = await engine.startNew('waiter');
    await until(
      () => (engine.summary(id)?.customStatus as { stage?: string } | null)?.stage === 'waiting',
      'custom status',
    );
    expect(await engine.raiseEvent(id, 'go', { n: 1 })).toBe('accepted');
    releaseSlow.current.open();
    const status = await engine.waitForCompletion(id, 5_000);
    expect(status.output).toEqual({ first: 'warm-up', data: { n: 1 } });
    expect(status.customStatus).toEqual({ stage: 'done' });
  });

  it('terminates a running instance', async () => {
    releaseSlow.current = gate();
    const id = await engine.startNew('waiter');
    await until(() => engine.summary(id)?.status === 'Running', 'waiter to run');
    expect(await engine.terminate(id, 'no longer needed')).toBe('accepted');
    const status = await engine.waitForCompletion(id, 5_000);
    expect(status).toMatchObject({ runtimeStatus: 'Terminated', output: 'no longer needed' });
    expect(await engine.terminate(id, 'again')).toBe('gone');
    releaseSlow.current.open();
  });

  it('suspends and resumes: events wait while suspended', async () => {
    releaseSlow.current = gate();
    releaseSlow.current.open();
    const id = await engine.startNew('waiter');
    await until(
      async () =>
        (await engine.getStatus(id, { showHistory: true }))?.historyEvents?.some(
          (e) => e.EventType === 'TaskCompleted',
        ) === true,
      'warm-up done',
    );
    await engine.suspend(id, 'hold on');
    await until(() => engine.summary(id)?.status === 'Suspended', 'suspended');
    await engine.raiseEvent(id, 'go', 'later');
    await expect(engine.waitForCompletion(id, 100)).rejects.toThrow(/did not finish/);
    expect(engine.summary(id)?.status).toBe('Suspended');
    await engine.resume(id, 'go on');
    expect((await engine.waitForCompletion(id, 5_000)).output).toEqual({ first: 'warm-up', data: 'later' });
  });

  it('surfaces activity failures with Reason/Details and returns bytes as base64', async () => {
    const id = await engine.startNew('failures');
    const { output } = await engine.waitForCompletion(id, 5_000);
    const { message, bytes } = output as { message: string; bytes: string };
    expect(message).toContain("Activity function 'boom' failed: kaboom");
    expect(bytes).toBe(Buffer.from('hi').toString('base64'));
  });

  it('fails an instance whose replay no longer matches its history (non-determinism)', async () => {
    releaseSlow.current = gate();
    branch = 'a';
    const id = await engine.startNew('drifting');
    await until(() => engine.summary(id)?.status === 'Running', 'drifting to run');
    branch = 'b';
    releaseSlow.current.open();
    const status = await engine.waitForCompletion(id, 5_000);
    expect(status.runtimeStatus).toBe('Failed');
    expect(String(status.output)).toMatch(
      /^Orchestrator function 'drifting' failed: Non-deterministic workflow detected/,
    );
  });

  it('fails an instance that uses entities, with a clear message', async () => {
    const id = await engine.startNew('entityUser');
    const status = await engine.waitForCompletion(id, 5_000);
    expect(status.runtimeStatus).toBe('Failed');
    expect(String(status.output)).toContain('Durable entities are not supported');
  });

  it('refuses an id that is running, restarts a finished one, and rejects unknown orchestrators', async () => {
    releaseSlow.current = gate();
    await engine.startNew('waiter', { instanceId: 'dup' });
    await expect(engine.startNew('waiter', { instanceId: 'dup' })).rejects.toMatchObject({ status: 409 });
    await engine.terminate('dup');
    await engine.waitForCompletion('dup', 5_000);
    await engine.startNew('counter', { instanceId: 'dup', input: 3 });
    expect((await engine.waitForCompletion('dup', 5_000)).output).toBe('reached 3');
    await expect(engine.startNew('nope')).rejects.toMatchObject({ status: 400 });
    releaseSlow.current.open();
  });
});
