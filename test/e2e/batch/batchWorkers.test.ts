/**
 * With `SIBYL_ACTIVITY_WORKERS`, the local host runs activities in worker threads that each load the
 * app (as Azure scales activities out): a batch job's mini-batches score there, and the job's output
 * is the same, every row exactly once, in input order.
 */
import { expectCsvScored, featureRows, startBatchHost, type BatchClient } from './batchHarness';
import { pollUntil } from '../../support/poll';

describe('batch activities in worker threads', () => {
  let client: BatchClient | undefined;

  afterAll(async () => {
    await client?.host.stop();
  });

  it('scores a job split across two activity worker threads', async () => {
    client = await startBatchHost({ env: { SIBYL_ACTIVITY_WORKERS: '2' } });
    const host = client.host;
    const rows = featureRows(300, 11);
    const id = await client.submitMlpCsv('workers', rows, { miniBatchSize: { rows: 25 }, maxConcurrency: 4 });
    await expectCsvScored(await client.waitFor(id, undefined, 180_000), 'workers', rows, 12);
    await pollUntil(
      () => ((host.output().match(/Activity worker thread \d+ loaded the app/g) ?? []).length >= 2 ? true : undefined),
      'two activity workers',
      60_000,
      200,
    );
    expect(host.output()).not.toMatch(/could not load the app/);
  }, 400_000);
});
