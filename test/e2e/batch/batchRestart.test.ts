/**
 * The emulator killed mid-job (SIGKILL) and started again on the same data: the orchestration resumes
 * from its journal and the job completes with every input row exactly once. Mini-batches are slowed
 * (`SIBYL_TEST_BATCH_DELAY_MS`) so the kill lands mid-way.
 */
import {
  csvText,
  download,
  expectScores,
  expectedScores,
  featureRows,
  parsePredictions,
  startBatchHost,
  upload,
  type BatchClient,
} from './batchHarness';

const env = { SIBYL_TEST_BATCH_DELAY_MS: '150' };

describe('batch job across an emulator crash', () => {
  let first: BatchClient | undefined;
  let second: BatchClient | undefined;

  afterAll(async () => {
    await first?.host.kill().catch(() => undefined);
    await second?.host.stop();
  });

  it('completes after a restart with every row exactly once', async () => {
    first = await startBatchHost(env);
    await first.registerModel('mlp-restart');
    const rows = featureRows(200, 31);
    await upload('restart/in.csv', csvText(rows));
    const submitted = await first.submit({
      model: 'mlp-restart:1',
      input: { datastore: 'workspaceblobstore', path: 'restart/in.csv', format: 'csv' },
      output: { datastore: 'workspaceblobstore', path: 'restart/out' },
      miniBatchSize: { rows: 5 },
      maxConcurrency: 2,
    });
    expect(submitted.status).toBe(202);
    const id = submitted.body.id;
    const midway = await first.waitFor(id, (j) => j.progress.succeeded >= 8, 60_000);
    expect(midway.status).toBe('Running');
    await first.host.kill();

    second = await startBatchHost(env, first.host);
    const job = await second.waitFor(id, undefined, 120_000);
    expect(job.status).toBe('Completed');
    expect(job.progress).toEqual({ totalMiniBatches: 40, succeeded: 40, failed: 0, rowsScored: 200, rowsFailed: 0 });
    const predictions = parsePredictions(await download('restart/out/predictions.csv')).rows;
    expect(new Set(predictions.map((r) => r[1])).size).toBe(200);
    expectScores(predictions, 'restart/in.csv', await expectedScores(rows));
  }, 300_000);
});
