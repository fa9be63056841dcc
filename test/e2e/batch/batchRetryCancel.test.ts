/**
 * A mini-batch that times out and succeeds on retry, and a job canceled mid-way. The host makes the
 * first try of mini-batch 2 of every job sleep 4 s (`SIBYL_TEST_BATCH_SLOW_ONCE`), deterministically.
 */
import { pollUntil } from '../../support/poll';
import {
  type BatchClient,
  blobService,
  CONTAINER,
  partialWritten,
  csvText,
  download,
  expectScores,
  expectedScores,
  featureRows,
  parsePredictions,
  startBatchHost,
  upload,
} from './batchHarness';

let client: BatchClient;
const model = 'mlp-retry';

interface History {
  runtimeStatus: string;
  historyEvents?: { EventType: string; FunctionName?: string; Reason?: string }[];
}

async function durableStatus(instanceId: string, history = false): Promise<History> {
  const url = `${client.host.baseUrl}/runtime/webhooks/durabletask/instances/${encodeURIComponent(instanceId)}?code=${client.host.functionKey}${history ? '&showHistory=true' : ''}`;
  return (await (await fetch(url)).json()) as History;
}

beforeAll(async () => {
  client = await startBatchHost({ SIBYL_TEST_BATCH_SLOW_ONCE: '2:4000' });
  await client.registerModel(model);
}, 120_000);

afterAll(async () => {
  await client?.host.stop();
});

describe('batch retries and cancel', () => {
  it('retries a mini-batch whose first try times out, and every row appears once', async () => {
    const rows = featureRows(50, 21);
    await upload('retry/in.csv', csvText(rows));
    const submitted = await client.submit({
      model: `${model}:1`,
      input: { datastore: 'workspaceblobstore', path: 'retry/in.csv', format: 'csv' },
      output: { datastore: 'workspaceblobstore', path: 'retry/out' },
      miniBatchSize: { rows: 10 },
      retry: { maxRetries: 2, timeoutSeconds: 1 },
    });
    expect(submitted.status).toBe(202);
    const job = await client.waitFor(submitted.body.id);
    expect(job.status).toBe('Completed');
    expect(job.progress).toEqual({ totalMiniBatches: 5, succeeded: 5, failed: 0, rowsScored: 50, rowsFailed: 0 });
    expectScores(
      parsePredictions(await download('retry/out/predictions.csv')).rows,
      'retry/in.csv',
      await expectedScores(rows),
    );
    const history = (await durableStatus(job.id, true)).historyEvents ?? [];
    const failures = history.filter((e) => e.EventType === 'TaskFailed');
    expect(failures).toHaveLength(1);
    expect(failures[0]!.Reason).toMatch(/Mini-batch 2 did not finish within 1 s/);
  }, 120_000);

  it('cancels a running job: no new mini-batches, the orchestration ends, the run stays Canceled', async () => {
    await upload('cancel/in.csv', csvText(featureRows(100, 22)));
    const submitted = await client.submit({
      model: `${model}:1`,
      input: { datastore: 'workspaceblobstore', path: 'cancel/in.csv', format: 'csv' },
      output: { datastore: 'workspaceblobstore', path: 'cancel/out' },
      miniBatchSize: { rows: 10 },
      maxConcurrency: 1,
    });
    const id = submitted.body.id;
    // Mini-batch 2 sleeps 4 s on its first try: once mini-batch 1 has written its output, 2 is in flight.
    await pollUntil(
      async () => (await partialWritten(id, 1)) && !(await partialWritten(id, 2)),
      'mini-batch 2 to be in flight',
      30_000,
      50,
    );
    const canceled = await client.call<{ id: string; status: string }>('POST', `api/batch/jobs/${id}/cancel`);
    expect(canceled.status).toBe(202);
    expect(canceled.body).toMatchObject({ id, status: 'Canceled' });
    await pollUntil(
      async () => (await durableStatus(id)).runtimeStatus === 'Terminated',
      'the orchestration to terminate',
      30_000,
      100,
    );
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
    await upload('cancel-done/in.csv', csvText(featureRows(5, 23)));
    const submitted = await client.submit({
      model: `${model}:1`,
      input: { datastore: 'workspaceblobstore', path: 'cancel-done/in.csv', format: 'csv' },
      output: { datastore: 'workspaceblobstore', path: 'cancel-done/out' },
    });
    await client.waitFor(submitted.body.id);
    const answer = await client.call<{ error: { code: string } }>('POST', `api/batch/jobs/${submitted.body.id}/cancel`);
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('Conflict');
  }, 120_000);
});
