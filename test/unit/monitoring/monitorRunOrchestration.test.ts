/**
 * The `monitorRun` orchestration in the emulator's Durable engine, in-process, with the monitor run
 * steps replaced by recorders: it sketches every planned part, then finishes with all of them; a
 * part that keeps failing fails the run with its reason; a plan that fails finishes the run Failed;
 * a run that already ended does nothing.
 */
import type { DurableEngine } from '../../../emulator/durable/engine';
import type {
  FinishMonitorInput,
  MonitorPart,
  MonitorPlan,
  SketchPartInput,
} from '../../../shared/monitoring/monitorRunProtocol';
import { startEngine, tempDir } from '../emulator/durable/durableTestKit';

const plans = new Map<string, MonitorPlan | Error>();
const sketched: string[] = [];
const finished: FinishMonitorInput[] = [];
let failingPart: number | undefined;

jest.mock('../../../shared/monitoring/monitorRunSteps', () => ({
  planMonitorRun: (runId: string) => {
    const plan = plans.get(runId);
    return plan instanceof Error ? Promise.reject(plan) : Promise.resolve(plan);
  },
  sketchMonitorPart: (input: SketchPartInput) => {
    if (input.part.index === failingPart) return Promise.reject(new Error(`part ${input.part.index} is unreadable`));
    sketched.push(`${input.runId}/${input.part.index}`);
    return Promise.resolve({ rows: 10 });
  },
  finishMonitorRun: (input: FinishMonitorInput) => {
    finished.push(input);
    return Promise.resolve(input.failure ? 'Failed' : 'Completed');
  },
}));

// Registers the orchestration and its activities (against the mocks above).
import '../../../orchestrations/monitorRun';

const tmp = tempDir();
let engine: DurableEngine;

beforeAll(async () => {
  ({ engine } = await startEngine(tmp.dir));
});

afterAll(async () => {
  await engine.stop();
  tmp.cleanup();
});

beforeEach(() => {
  sketched.length = 0;
  finished.length = 0;
  failingPart = undefined;
});

const part = (index: number, source: MonitorPart['source']): MonitorPart => ({
  index,
  source,
  datastore: 'workspaceblobstore',
  path: `p${index}`,
  format: source === 'baseline' ? 'csv' : 'jsonl',
});

async function run(runId: string, plan: MonitorPlan | Error): Promise<unknown> {
  plans.set(runId, plan);
  await engine.startNew('monitorRun', { instanceId: runId, input: { runId } });
  const status = await engine.waitForCompletion(runId, 60_000);
  expect(status.runtimeStatus).toBe('Completed');
  return status.output;
}

describe('monitorRun orchestration', () => {
  it('sketches every part, then finishes with all of them', async () => {
    const parts = [part(0, 'baseline'), part(1, 'model_inputs'), part(2, 'model_outputs')];
    expect(await run('mon-ok', { stop: false, parts })).toEqual({ status: 'Completed' });
    expect(sketched.sort()).toEqual(['mon-ok/0', 'mon-ok/1', 'mon-ok/2']);
    expect(finished).toEqual([{ runId: 'mon-ok', parts }]);
  });

  it('fails the run with the reason when a part cannot be read', async () => {
    failingPart = 1;
    const parts = [part(0, 'baseline'), part(1, 'model_inputs')];
    expect(await run('mon-bad-part', { stop: false, parts })).toEqual({ status: 'Failed' });
    expect(finished).toHaveLength(1);
    expect(finished[0]!.failure).toMatch(/part 1 is unreadable/);
  }, 60_000);

  it('finishes Failed when planning fails, and does nothing for a run that already ended', async () => {
    expect(await run('mon-no-plan', new Error('The baseline has no csv file'))).toEqual({ status: 'Failed' });
    expect(finished[0]).toMatchObject({ runId: 'mon-no-plan', parts: [] });
    expect(finished[0]!.failure).toMatch(/no csv file/);
    finished.length = 0;
    expect(await run('mon-ended', { stop: true })).toEqual({ status: 'Canceled' });
    expect(finished).toEqual([]);
    expect(sketched).toEqual([]);
  }, 60_000);
});
