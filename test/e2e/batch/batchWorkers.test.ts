/**
 * With `SIBYL_ACTIVITY_WORKERS`, the local host runs activities in worker threads that each load the
 * app (as Azure scales activities out): a batch job's mini-batches score there, and the job's output
 * is the same, every row exactly once, in input order.
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
import { pollUntil } from '../../support/poll';

describe('batch activities in worker threads', () => {
  let client: BatchClient | undefined;

  afterAll(async () => {
    await client?.host.stop();
  });

  it('scores a job split across two activity worker threads', async () => {
    client = await startBatchHost({ SIBYL_ACTIVITY_WORKERS: '2' });
    const host = client.host;
    await client.registerModel('mlp-workers');
    const rows = featureRows(300, 11);
    await upload('workers/in.csv', csvText(rows));
    const submitted = await client.submit({
      model: 'mlp-workers:1',
      input: { datastore: 'workspaceblobstore', path: 'workers/in.csv', format: 'csv' },
      output: { datastore: 'workspaceblobstore', path: 'workers/out' },
      miniBatchSize: { rows: 25 },
      maxConcurrency: 4,
    });
    expect(submitted.status).toBe(202);
    const job = await client.waitFor(submitted.body.id, undefined, 180_000);
    expect(job.status).toBe('Completed');
    expect(job.progress).toEqual({ totalMiniBatches: 12, succeeded: 12, failed: 0, rowsScored: 300, rowsFailed: 0 });
    expectScores(
      parsePredictions(await download('workers/out/predictions.csv')).rows,
      'workers/in.csv',
      await expectedScores(rows),
    );
    await pollUntil(
      () => ((host.output().match(/Activity worker thread \d+ loaded the app/g) ?? []).length >= 2 ? true : undefined),
      'two activity workers',
      60_000,
      200,
    );
    expect(host.output()).not.toMatch(/could not load the app/);
  }, 400_000);
});
