/** A 2,000-mini-batch job: fanned out through `batchScoringChunk` sub-orchestrations, every row once. */
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

describe('a large batch job', () => {
  let client: BatchClient | undefined;

  afterAll(async () => {
    await client?.host.stop();
  });

  it('scores 2,000 one-row mini-batches through sub-orchestrations', async () => {
    client = await startBatchHost();
    await client.registerModel('mlp-large');
    const rows = featureRows(2000, 41);
    await upload('large/in.csv', csvText(rows));
    const submitted = await client.submit({
      model: 'mlp-large:1',
      input: { datastore: 'workspaceblobstore', path: 'large/in.csv', format: 'csv' },
      output: { datastore: 'workspaceblobstore', path: 'large/out' },
      miniBatchSize: { rows: 1 },
      maxConcurrency: 10,
    });
    expect(submitted.status).toBe(202);
    const id = submitted.body.id;
    const job = await client.waitFor(id, undefined, 580_000);
    expect(job.status).toBe('Completed');
    expect(job.progress).toEqual({
      totalMiniBatches: 2000,
      succeeded: 2000,
      failed: 0,
      rowsScored: 2000,
      rowsFailed: 0,
    });
    expectScores(
      parsePredictions(await download('large/out/predictions.csv')).rows,
      'large/in.csv',
      await expectedScores(rows),
    );

    // 2,000 mini-batches = 8 chunks of 256, each its own orchestration with its own (small) history.
    const url = `${client.host.baseUrl}/runtime/webhooks/durabletask/instances?instanceIdPrefix=${encodeURIComponent(`${id}:chunk-`)}&code=${client.host.functionKey}`;
    const chunks = (await (await fetch(url)).json()) as { instanceId: string; runtimeStatus: string }[];
    expect(chunks.map((c) => c.runtimeStatus)).toEqual(Array(8).fill('Completed'));
    const main = (await (
      await fetch(
        `${client.host.baseUrl}/runtime/webhooks/durabletask/instances/${id}?showHistory=true&code=${client.host.functionKey}`,
      )
    ).json()) as { historyEvents: unknown[] };
    expect(main.historyEvents.length).toBeLessThan(100);
  }, 600_000);
});
