/**
 * A mini-batch that times out and succeeds on retry, and a job canceled mid-way. The host makes the
 * first try of mini-batch 2 of every job 8 s slower (test/support/slowMiniBatches.cjs), deterministically.
 */
import { durableStatus, waitTerminated } from '../../support/durableStatus';
import { pollUntil } from '../../support/poll';
import {
  type BatchClient,
  blobService,
  CONTAINER,
  expectCsvScored,
  featureRows,
  partialWritten,
  startBatchHost,
  waitInFlight,
} from './batchHarness';

let client: BatchClient;
const model = 'mlp-retry';

beforeAll(
  async () => (client = await startBatchHost({ model, slowMiniBatches: { once: { index: 2, ms: 8000 } } })),
  120_000,
);
afterAll(() => client?.host.stop());

describe('batch retries and cancel', () => {
  it('retries a mini-batch whose first try times out, and every row appears once', async () => {
    const rows = featureRows(50, 21);
    const id = await client.submitCsv('retry', rows, {
      model: `${model}:1`,
      miniBatchSize: { rows: 10 },
      // 3 s: room for the other mini-batches on a busy machine, far below the held-back one's 8 s.
      retry: { maxRetries: 2, timeoutSeconds: 3 },
    });
    await expectCsvScored(await client.waitFor(id), 'retry', rows, 5);
    const history = (await durableStatus(client.host, id, true)).historyEvents ?? [];
    const failures = history.filter((e) => e.EventType === 'TaskFailed').map((e) => String(e.Reason));
    expect(failures.filter((reason) => reason.includes('Mini-batch 2 '))).toEqual([
      expect.stringMatching(/Mini-batch 2 did not finish within 3 s/),
    ]);
    // Any other failure could only be a try that a starved machine let run past 3 s, retried like it.
    expect(failures.every((reason) => / did not finish within 3 s/.test(reason))).toBe(true);
  }, 120_000);

  it('cancels a running job: no new mini-batches, the orchestration ends, the run stays Canceled', async () => {
    const id = await client.submitCsv('cancel', featureRows(100, 22), {
      model: `${model}:1`,
      miniBatchSize: { rows: 10 },
      maxConcurrency: 1,
    });
    await waitInFlight(id, 2);
    const canceled = await client.call<{ id: string; status: string }>('POST', `api/batch/jobs/${id}/cancel`);
    expect(canceled.status).toBe(202);
    expect(canceled.body).toMatchObject({ id, status: 'Canceled' });
    await waitTerminated(client.host, id, 'the orchestration');
    const job = await client.job(id);
    expect(job.status).toBe('Canceled');
    expect(job.endedAt).toBeDefined();
    expect(job.progress.succeeded).toBeLessThan(10);
    // Once the mini-batch in flight has finished, nothing moves the run on and no output is written.
    await pollUntil(() => partialWritten(id, 2), 'the mini-batch in flight to finish', 30_000, 100);
    expect((await client.job(id)).status).toBe('Canceled');
    expect(await partialWritten(id, 3)).toBe(false);
    expect(await blobService().getContainerClient(CONTAINER).getBlobClient('cancel/out/predictions.csv').exists()).toBe(
      false,
    );
    expect((await client.call('POST', `api/batch/jobs/${id}/cancel`)).status).toBe(202);
    const logs = await client.call<{ value: { message: string }[] }>('GET', `api/runs/${id}/logs`);
    expect(logs.body.value.map((l) => l.message).join('\n')).toContain('canceled by request');
  }, 120_000);

  it('refuses to cancel a job that already ended', async () => {
    const id = await client.submitCsv('cancel-done', featureRows(5, 23), { model: `${model}:1` });
    await client.waitFor(id);
    const answer = await client.call<{ error: { code: string } }>('POST', `api/batch/jobs/${id}/cancel`);
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('Conflict');
  }, 120_000);
});
