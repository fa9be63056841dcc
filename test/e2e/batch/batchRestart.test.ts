/**
 * The emulator killed mid-job (SIGKILL) and started again on the same data: the orchestration resumes
 * from its journal and the job completes with every input row exactly once. Every mini-batch is slowed
 * (test/support/slowMiniBatches.cjs) so the kill lands mid-way.
 */
import { expectCsvScored, featureRows, startBatchHost, type BatchClient } from './batchHarness';

const slowMiniBatches = { everyMs: 150 };

describe('batch job across an emulator crash', () => {
  let first: BatchClient | undefined;
  let second: BatchClient | undefined;

  afterAll(async () => {
    await first?.host.kill().catch(() => undefined);
    await second?.host.stop();
  });

  it('completes after a restart with every row exactly once', async () => {
    first = await startBatchHost({ slowMiniBatches });
    const rows = featureRows(200, 31);
    const id = await first.submitMlpCsv('restart', rows, { miniBatchSize: { rows: 5 }, maxConcurrency: 2 });
    const midway = await first.waitFor(id, (j) => j.progress.succeeded >= 8, 60_000);
    expect(midway.status).toBe('Running');
    await first.host.kill();

    second = await startBatchHost({ slowMiniBatches, reuse: first.host });
    await expectCsvScored(await second.waitFor(id, undefined, 120_000), 'restart', rows, 40);
  }, 300_000);
});
