/**
 * The `pipelineRun` orchestration in the emulator's Durable engine, in-process, with the services its
 * activities call replaced by recorders: steps run in order with earlier outputs, batch-score steps
 * run `batchScoring` as a sub-orchestration under the step's run id, the first failed step ends the
 * run, and a run that already ended runs nothing.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import type {
  BatchStepStart,
  FinishInput,
  RunPlan,
  StepInput,
  StepResult,
} from '../../../shared/pipelines/pipelineRunProtocol';
import { engineForFile } from '../emulator/durable/durableTestKit';

const calls: string[] = [];
const plans = new Map<string, RunPlan>();
const transferResults = new Map<string, StepResult>();
const finished: FinishInput[] = [];
let batchOutcome: 'ok' | 'fails' = 'ok';

jest.mock('../../../shared/pipelines/pipelineRunLifecycle', () => ({
  beginPipelineRun: (runId: string) => {
    calls.push(`begin ${runId}`);
    return Promise.resolve(plans.get(runId));
  },
  finishPipelineRun: (input: FinishInput) => {
    finished.push(input);
    return Promise.resolve(input.failed ? 'Failed' : 'Completed');
  },
}));
jest.mock('../../../shared/pipelines/transferStepRunner', () => ({
  runTransferStep: (input: StepInput) => {
    calls.push(`transfer ${input.index} after ${Object.keys(input.outputs).join('+') || 'nothing'}`);
    return Promise.resolve(
      transferResults.get(`${input.runId}/${input.index}`) ?? { ok: true, outputs: { path: `out-${input.index}` } },
    );
  },
}));
jest.mock('../../../shared/pipelines/batchStepRunner', () => ({
  prepareBatchStep: (input: StepInput): Promise<BatchStepStart> => {
    calls.push(`prepare ${input.index}`);
    return Promise.resolve({
      ok: true,
      jobId: `${input.runId}.score`,
      input: { jobId: `${input.runId}.score` } as never,
    });
  },
  finishBatchStep: (input: { runId: string; index: number }): Promise<StepResult> => {
    calls.push(`finish batch ${input.index}`);
    return Promise.resolve(
      batchOutcome === 'ok'
        ? { ok: true, outputs: { path: 'scored/predictions.csv', rowsScored: 3 } }
        : { ok: false, error: { code: 'BatchJobFailed', message: 'bad rows' } },
    );
  },
}));
// The real batch orchestration is the batch service's; here a stand-in records its instance id.
jest.mock('../../../orchestrations/batchScoring', () => ({
  batchScoring: df.app.orchestration('batchScoring', function* (context: OrchestrationContext) {
    if (!context.df.isReplaying) calls.push(`batchScoring ${context.df.instanceId}`);
    yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 1));
    if (batchOutcome === 'fails') throw new Error('scoring exploded');
    return { status: 'Completed' };
  }),
}));

// Registers the orchestration and its activities (against the mocks above).
import '../../../orchestrations/pipelineRun';

const engine = engineForFile();

beforeEach(() => {
  calls.length = 0;
  finished.length = 0;
  batchOutcome = 'ok';
});

async function run(runId: string, steps: RunPlan['steps'], stop = false): Promise<unknown> {
  plans.set(runId, { steps, ...(stop ? { stop } : {}) });
  await engine().startNew('pipelineRun', { instanceId: runId, input: { runId } });
  const status = await engine().waitForCompletion(runId, 20_000);
  expect(status.runtimeStatus).toBe('Completed');
  return status.output;
}

const step = (runId: string, name: string, kind: string) => ({ name, kind, runId: `${runId}.${name}` });

describe('the pipelineRun orchestration', () => {
  it('runs the steps in order, each with the outputs of the steps before it', async () => {
    const output = await run('r1', [
      step('r1', 'score', 'batch-score'),
      step('r1', 'stage', 'copy'),
      step('r1', 'archive', 'move'),
    ]);
    expect(output).toEqual({ status: 'Completed' });
    expect(calls).toEqual([
      'begin r1',
      'prepare 0',
      'batchScoring r1.score',
      'finish batch 0',
      'transfer 1 after score',
      'transfer 2 after score+stage',
    ]);
    expect(finished).toEqual([
      {
        runId: 'r1',
        outputs: {
          score: { path: 'scored/predictions.csv', rowsScored: 3 },
          stage: { path: 'out-1' },
          archive: { path: 'out-2' },
        },
      },
    ]);
  });

  it('stops at the first failed step and ends the run Failed', async () => {
    transferResults.set('r2/0', { ok: false, error: { code: 'InvalidInput', message: 'Nothing to copy' } });
    const output = await run('r2', [step('r2', 'stage', 'copy'), step('r2', 'archive', 'move')]);
    expect(output).toEqual({ status: 'Failed' });
    expect(calls).toEqual(['begin r2', 'transfer 0 after nothing']);
    expect(finished).toEqual([
      {
        runId: 'r2',
        outputs: {},
        failed: { step: 'stage', error: { code: 'InvalidInput', message: 'Nothing to copy' } },
      },
    ]);
  });

  it('reads a failed batch job from its run, even when the sub-orchestration throws', async () => {
    batchOutcome = 'fails';
    await run('r3', [step('r3', 'score', 'batch-score'), step('r3', 'archive', 'move')]);
    expect(calls).toEqual(['begin r3', 'prepare 0', 'batchScoring r3.score', 'finish batch 0']);
    expect(finished[0]?.failed).toEqual({ step: 'score', error: { code: 'BatchJobFailed', message: 'bad rows' } });
  });

  it('runs nothing for a run that already ended', async () => {
    expect(await run('r4', [step('r4', 'stage', 'copy')], true)).toEqual({ status: 'Canceled' });
    expect(calls).toEqual(['begin r4']);
    expect(finished).toEqual([]);
  });
});
