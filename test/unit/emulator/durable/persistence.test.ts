import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { appendFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { DurableEngine } from '../../../../emulator/durable/engine';
import { instanceDirName } from '../../../../emulator/durable/instanceStore';
import { CallCounter, gate, startEngine, tempDir, until } from './durableTestKit';
import type { EngineLogLine } from './durableTestKit';

const calls = new CallCounter();
/** Phase 1: inputs >= 10 block forever (the "first process"); phase 2: nothing blocks. */
let phase = 1;
let stuck = gate();
let returnedAfterRelease = 0;

df.app.activity('work', {
  handler: async (n: number) => {
    calls.hit(n);
    if (n >= 10 && phase === 1) {
      await stuck.wait;
      returnedAfterRelease++;
    }
    return n * 10;
  },
});

df.app.orchestration('persistFanOut', function* (ctx: OrchestrationContext) {
  const parts = (yield ctx.df.Task.all([...Array(20).keys()].map((n) => ctx.df.callActivity('work', n)))) as number[];
  const last = (yield ctx.df.callActivity('work', 100)) as number;
  return parts.reduce((a, b) => a + b, 0) + last;
});

df.app.orchestration('persistLarge', function* (ctx: OrchestrationContext) {
  const parts = (yield ctx.df.Task.all([...Array(1000).keys()].map((n) => ctx.df.callActivity('work', n)))) as number[];
  return parts.length;
});

df.app.orchestration('persistChild', function* (ctx: OrchestrationContext) {
  return (yield ctx.df.callActivity('work', ctx.df.getInput<number>())) as number;
});

df.app.orchestration('persistParent', function* (ctx: OrchestrationContext) {
  const child = (yield ctx.df.callSubOrchestrator('persistChild', 15)) as number;
  return child + 1;
});

let sweepRun = 0;
const sweepFailedIn = new Set<number>();
df.app.activity('step', { handler: (s: string) => (calls.hit(`step:${s}`), s) });
df.app.activity('stepFlaky', {
  handler: (s: string) => {
    calls.hit(`step:${s}`);
    // Fails on its first call in each engine run, so the retry path is replayed from any cut.
    if (!sweepFailedIn.has(sweepRun)) {
      sweepFailedIn.add(sweepRun);
      throw new Error('first attempt fails');
    }
    return s;
  },
});
df.app.orchestration('sweep', function* (ctx: OrchestrationContext) {
  const first = (yield ctx.df.Task.all([
    ctx.df.callActivity('step', 'a'),
    ctx.df.callActivity('step', 'b'),
    ctx.df.callActivityWithRetry('stepFlaky', new df.RetryOptions(10, 3), 'c'),
  ])) as string[];
  yield ctx.df.createTimer(new Date(ctx.df.currentUtcDateTime.getTime() + 20));
  const last = (yield ctx.df.callActivity('step', 'd')) as string;
  return [...first, last].join('');
});

const expectedFanOut = ((19 * 20) / 2) * 10 + 1000;

function journalOf(engine: DurableEngine, instanceId: string): string {
  return path.join(engine.root, 'instances', instanceDirName(instanceId), 'journal.jsonl');
}

async function historyCount(engine: DurableEngine, id: string, type: string): Promise<number> {
  const status = await engine.getStatus(id, { showHistory: true });
  return status?.historyEvents?.filter((e) => e.EventType === type).length ?? 0;
}

function warned(logs: EngineLogLine[], pattern: RegExp): number {
  return logs.filter((l) => l.level === 'warn' && pattern.test(l.message)).length;
}

describe('DurableEngine persistence', () => {
  beforeEach(() => {
    calls.reset();
    phase = 1;
    stuck = gate();
    returnedAfterRelease = 0;
  });

  it('resumes after stop() mid-flight without re-running completed activities', async () => {
    const tmp = tempDir();
    const first = await startEngine(tmp.dir, { maxConcurrentActivities: 20, stopGraceMs: 50 });
    await first.engine.startNew('persistFanOut', { instanceId: 'p1' });
    await until(
      async () => (await historyCount(first.engine, 'p1', 'TaskCompleted')) === 10,
      '10 activities completed',
    );
    await until(() => calls.total() === 20, 'all 20 activities started');
    await first.engine.stop();
    expect(warned(first.logs, /Abandoned 10 running activity/)).toBe(1);

    phase = 2;
    const second = await startEngine(tmp.dir, { maxConcurrentActivities: 20 });
    const status = await second.engine.waitForCompletion('p1', 10_000);
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: expectedFanOut });
    for (let n = 0; n < 10; n++) expect(calls.get(n)).toBe(1);
    for (let n = 10; n < 20; n++) expect(calls.get(n)).toBe(2);
    expect(calls.get(100)).toBe(1);

    // The first engine's abandoned invocations finish late: they must not write anything.
    await second.engine.stop();
    const size = statSync(journalOf(second.engine, 'p1')).size;
    stuck.open();
    await until(() => returnedAfterRelease === 10, 'abandoned activities to return');
    await until(() => warned(first.logs, /Could not persist/) === 10, 'late completions refused');
    expect(statSync(journalOf(second.engine, 'p1')).size).toBe(size);
    tmp.cleanup();
  });

  it('recovers from a crash that left a torn journal line (fsync on)', async () => {
    const tmp = tempDir();
    const first = await startEngine(tmp.dir, { maxConcurrentActivities: 20, fsync: true });
    await first.engine.startNew('persistFanOut', { instanceId: 'p2', input: { big: 'x'.repeat(2000) } });
    // The status shows only what is on disk, so a crash right after seeing ten completions keeps them.
    await until(
      async () => (await historyCount(first.engine, 'p2', 'TaskCompleted')) === 10,
      '10 activities completed',
    );
    first.engine.abandon();
    expect(completedInputs(readFileSync(journalOf(first.engine, 'p2'), 'utf8')).length).toBe(10);
    appendFileSync(journalOf(first.engine, 'p2'), '{"k":"in","seq":999,"e":{"EventType":5,"TaskSch');

    phase = 2;
    const second = await startEngine(tmp.dir, { maxConcurrentActivities: 20, fsync: true });
    expect(warned(second.logs, /dropped \d+ bytes/)).toBe(1);
    const status = await second.engine.waitForCompletion('p2', 10_000);
    expect(status).toMatchObject({
      runtimeStatus: 'Completed',
      output: expectedFanOut,
      input: { big: 'x'.repeat(2000) },
    });
    for (let n = 0; n < 10; n++) expect(calls.get(n)).toBe(1);
    for (let n = 10; n < 20; n++) expect(calls.get(n)).toBe(2);
    await second.engine.stop();
    stuck.open();
    tmp.cleanup();
  });

  it('resumes a parent and its sub-orchestration after a crash', async () => {
    const tmp = tempDir();
    const first = await startEngine(tmp.dir);
    await first.engine.startNew('persistParent', { instanceId: 'pp' });
    await until(() => calls.get(15) === 1, 'child activity running');
    first.engine.abandon();

    phase = 2;
    const second = await startEngine(tmp.dir);
    const status = await second.engine.waitForCompletion('pp', 10_000);
    expect(status.output).toBe(151);
    expect(second.engine.summary('pp:0')).toMatchObject({ status: 'Completed', output: 150 });
    expect(calls.get(15)).toBe(2);
    await second.engine.stop();
    stuck.open();
    tmp.cleanup();
  });

  it('keeps the journal linear in size for a fan-out of 1000 activities', async () => {
    phase = 2;
    const tmp = tempDir();
    const { engine } = await startEngine(tmp.dir, { maxConcurrentActivities: 10, fsync: true });
    await engine.startNew('persistLarge', { instanceId: 'large' });
    expect((await engine.waitForCompletion('large', 60_000)).output).toBe(1000);
    expect(calls.total()).toBe(1000);
    // Appends only: about 400 bytes per activity (schedule + completion + share of episode records).
    expect(statSync(journalOf(engine, 'large')).size).toBeLessThan(1000 * 600);
    await engine.stop();
    tmp.cleanup();
  });

  it('completes from every possible crash point of the journal, never re-running persisted completions', async () => {
    phase = 2;
    const reference = tempDir();
    sweepRun = 0;
    const full = await startEngine(reference.dir);
    await full.engine.startNew('sweep', { instanceId: 'sweep' });
    expect((await full.engine.waitForCompletion('sweep', 10_000)).output).toBe('abcd');
    await full.engine.stop();
    const text = readFileSync(journalOf(full.engine, 'sweep'), 'utf8');
    const lines = text.split('\n').filter((l) => l.length > 0);
    expect(lines.length).toBeGreaterThan(8);
    expect(completedInputs(text).sort()).toEqual(['a', 'b', 'c', 'd']);

    const cuts: string[] = [];
    for (let n = 1; n <= lines.length; n++) {
      const prefix = lines
        .slice(0, n)
        .map((l) => `${l}\n`)
        .join('');
      cuts.push(prefix);
      const next = lines[n];
      if (next) cuts.push(prefix + next.slice(0, Math.floor(next.length / 2)));
    }
    for (const cut of cuts) {
      const tmp = tempDir();
      const file = path.join(tmp.dir, path.relative(reference.dir, journalOf(full.engine, 'sweep')));
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, cut);
      calls.reset();
      sweepRun++;
      const { engine } = await startEngine(tmp.dir);
      const status = await engine.waitForCompletion('sweep', 10_000);
      expect(status).toMatchObject({ runtimeStatus: 'Completed', output: 'abcd' });
      for (const name of completedInputs(cut))
        expect({ cut: cut.length, name, calls: calls.get(`step:${name}`) }).toEqual({
          cut: cut.length,
          name,
          calls: 0,
        });
      await engine.stop();
      tmp.cleanup();
    }
    reference.cleanup();
  });
});

/** Inputs of the activities whose TaskCompleted is in a journal text (complete lines only). */
function completedInputs(journal: string): string[] {
  const scheduled = new Map<number, string>();
  const done: string[] = [];
  for (const line of journal.split('\n')) {
    let record: {
      k?: string;
      ev?: { EventType: number; EventId: number; Input?: string }[];
      e?: { EventType: number; TaskScheduledId?: number };
    };
    try {
      record = JSON.parse(line) as typeof record;
    } catch {
      continue;
    }
    for (const e of record.ev ?? [])
      if (e.EventType === 4 && e.Input) scheduled.set(e.EventId, String(JSON.parse(e.Input)));
    if (record.k === 'in' && record.e?.EventType === 5 && record.e.TaskScheduledId !== undefined) {
      const name = scheduled.get(record.e.TaskScheduledId);
      if (name !== undefined) done.push(name);
    }
  }
  return done;
}
