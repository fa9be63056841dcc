/**
 * The `batchScoring` and `batchScoringChunk` orchestrations replayed by the emulator's Durable engine,
 * in-process, with the services their activities call replaced by recorders (as the pipelineRun
 * orchestration is tested). The engine replays the orchestrator from its history at every episode,
 * so a non-deterministic step would schedule work twice or diverge: each test checks what was
 * scheduled, exactly once, and what the job ended with.
 */
import type { BatchScoringInput } from '../../../shared/batch/batchTally';
import type { FinishRequest } from '../../../shared/batch/batchProgress';
import { engineForFile } from '../emulator/durable/durableTestKit';

const scored: number[] = [];
const finished: Array<FinishRequest & { jobId: string }> = [];
const merged: string[] = [];
const plans = new Map<string, number>();
const failing = new Set<number>();
let cancelAtProgress: number | undefined;
let progressWrites = 0;

jest.mock('../../../shared/batch/batchProgress', () => ({
  markStarted: () => Promise.resolve(),
  recordProgress: () => Promise.resolve(++progressWrites === cancelAtProgress ? 'Canceled' : 'Running'),
  describeFailure: () => Promise.resolve({ rows: 10, files: 1, file: 'bad.csv' }),
  finishJob: (jobId: string, request: FinishRequest) => {
    finished.push({ ...request, jobId });
    return Promise.resolve(request.status);
  },
}));
jest.mock('../../../shared/batch/jobPlanner', () => ({
  planJob: (jobId: string) => Promise.resolve({ files: 1, miniBatches: plans.get(jobId) ?? 0 }),
}));
jest.mock('../../../shared/batch/miniBatchScorer', () => ({
  scoreMiniBatch: (_jobId: string, index: number) => {
    scored.push(index);
    if (failing.has(index)) return Promise.reject(new Error(`mini-batch ${index} cannot be read`));
    return Promise.resolve({ index, rows: 10, failedRows: 0, failedFiles: 0, samples: [] });
  },
}));
jest.mock('../../../shared/batch/outputMerger', () => ({
  mergeOutputs: (jobId: string) => {
    merged.push(jobId);
    return Promise.resolve({ rows: 0, bytes: 0 });
  },
  writeSummary: (jobId: string) => {
    merged.push(`${jobId} (summary)`);
    return Promise.resolve();
  },
}));

// Registers both orchestrations and their activities (against the mocks above).
import { CHUNK_SIZE } from '../../../orchestrations/batchScoring';
import '../../../orchestrations/batchScoringChunk';

const engine = engineForFile();

beforeEach(() => {
  scored.length = 0;
  finished.length = 0;
  merged.length = 0;
  failing.clear();
  cancelAtProgress = undefined;
  progressWrites = 0;
});

function input(jobId: string, overrides: Partial<BatchScoringInput> = {}): BatchScoringInput {
  return {
    jobId,
    maxConcurrency: 2,
    maxRetries: 0,
    timeoutSeconds: 30,
    errorThreshold: -1,
    thresholdUnit: 'rows',
    outputAction: 'append_row',
    ...overrides,
  };
}

async function run(job: BatchScoringInput, miniBatches: number): Promise<unknown> {
  plans.set(job.jobId, miniBatches);
  await engine().startNew('batchScoring', { instanceId: job.jobId, input: job });
  const status = await engine().waitForCompletion(job.jobId, 60_000);
  expect(status.runtimeStatus).toBe('Completed');
  return status.output;
}

/** Tasks of activity `name` the instance's history records as ended (the status API folds each schedule into its end). */
async function tasksOf(instanceId: string, name: string): Promise<number> {
  const history = (await engine().getStatus(instanceId, { showHistory: true }))!.historyEvents!;
  return history.filter(
    (e) => (e.EventType === 'TaskCompleted' || e.EventType === 'TaskFailed') && e.FunctionName === name,
  ).length;
}

describe('batchScoring, replayed', () => {
  it('scores every mini-batch once, in waves, merges and finishes Completed', async () => {
    expect(await run(input('small'), 5)).toEqual({ status: 'Completed' });
    expect([...scored].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4]);
    expect(await tasksOf('small', 'scoreMiniBatch')).toBe(5);
    expect(merged).toEqual(['small']);
    expect(finished).toEqual([
      expect.objectContaining({
        jobId: 'small',
        status: 'Completed',
        progress: expect.objectContaining({ totalMiniBatches: 5, succeeded: 5, failed: 0, rowsScored: 50 }),
      }),
    ]);
  });

  it('stops past the error threshold, without merging, and finishes Failed', async () => {
    failing.add(1);
    expect(await run(input('over', { errorThreshold: 0 }), 6)).toEqual({ status: 'Failed' });
    // The wave holding the failure ran; no later wave was scheduled.
    expect([...scored].sort((a, b) => a - b)).toEqual([0, 1]);
    expect(merged).toEqual([]);
    expect(finished[0]).toMatchObject({
      status: 'Failed',
      error: { code: 'ErrorThresholdExceeded' },
      progress: { succeeded: 1, failed: 1, rowsFailed: 10 },
    });
  });

  it('scores nothing when the job was canceled while it was planned, and does not finish it again', async () => {
    cancelAtProgress = 1;
    expect(await run(input('canceled'), 8)).toEqual({ status: 'Canceled' });
    expect(scored).toEqual([]);
    expect(finished).toEqual([]);
    expect(merged).toEqual([]);
  });

  it('past CHUNK_SIZE, fans out through batchScoringChunk sub-orchestrations and adds up their counters', async () => {
    const total = CHUNK_SIZE * 2 + 10;
    expect(await run(input('large', { maxConcurrency: 64 }), total)).toEqual({ status: 'Completed' });
    expect(scored).toHaveLength(total);
    expect(new Set(scored).size).toBe(total);
    expect(await tasksOf('large', 'scoreMiniBatch')).toBe(0);
    const chunks = [0, 1, 2].map((k) => `large:chunk-${k}`);
    const perChunk = await Promise.all(chunks.map((id) => tasksOf(id, 'scoreMiniBatch')));
    expect(perChunk).toEqual([CHUNK_SIZE, CHUNK_SIZE, 10]);
    for (const id of chunks) expect((await engine().getStatus(id))?.runtimeStatus).toBe('Completed');
    expect(finished[0]).toMatchObject({
      status: 'Completed',
      progress: { totalMiniBatches: total, succeeded: total, rowsScored: total * 10 },
    });
  });
});
