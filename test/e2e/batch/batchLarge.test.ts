/** A 2,000-mini-batch job: fanned out through `batchScoringChunk` sub-orchestrations, every row once. */
import { durableStatus } from '../../support/durableStatus';
import { expectCsvScored, featureRows, startBatchHost, type BatchClient } from './batchHarness';

describe('a large batch job', () => {
  let client: BatchClient | undefined;

  afterAll(async () => {
    await client?.host.stop();
  });

  it('scores 2,000 one-row mini-batches through sub-orchestrations', async () => {
    client = await startBatchHost();
    const rows = featureRows(2000, 41);
    const id = await client.submitMlpCsv('large', rows, { miniBatchSize: { rows: 1 }, maxConcurrency: 10 });
    await expectCsvScored(await client.waitFor(id, undefined, 580_000), 'large', rows, 2000);

    // 2,000 mini-batches = 8 chunks of 256, each its own orchestration with its own (small) history.
    const url =
      `${client.host.baseUrl}/runtime/webhooks/durabletask/instances?instanceIdPrefix=${encodeURIComponent(`${id}:chunk-`)}` +
      `&code=${client.host.functionKey}`;
    const chunks = (await (await fetch(url)).json()) as { instanceId: string; runtimeStatus: string }[];
    expect(chunks.map((c) => c.runtimeStatus)).toEqual(Array(8).fill('Completed'));
    const main = await durableStatus(client.host, id, true);
    expect(main.historyEvents!.length).toBeLessThan(100);
  }, 600_000);
});
