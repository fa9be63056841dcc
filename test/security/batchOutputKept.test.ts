/**
 * A batch job never deletes the previous `predictions.csv` before the new one exists: mini-batches
 * stage their rows as uncommitted blocks of the final blob (readers still see the old file whole), and
 * the merge commits them in one step, rows numbered exactly once and in input order.
 */
import {
  blobService,
  CONTAINER,
  download,
  expectCsvScored,
  featureRows,
  startBatchHost,
  upload,
  type BatchClient,
} from '../e2e/batch/batchHarness';

describe('the previous predictions.csv while a job replaces it', () => {
  let client: BatchClient | undefined;

  afterAll(async () => {
    await client?.host.stop();
  });

  it('stays readable and whole until the new file is committed from staged blocks', async () => {
    // Slow mini-batches (2 s each, two at a time): the job is still staging well after the check midway.
    client = await startBatchHost({ slowMiniBatches: { everyMs: 2000 } });
    const rows = featureRows(120, 7);
    const old = 'file,row,scores_0\nold.csv,1,0.5\n';
    await upload('kept/out/predictions.csv', old);

    const id = await client.submitMlpCsv('kept', rows, { miniBatchSize: { rows: 10 }, maxConcurrency: 2 });
    const midway = await client.waitFor(id, (j) => j.progress.succeeded >= 4, 120_000);
    expect(midway.status).toBe('Running');
    expect(await download('kept/out/predictions.csv')).toBe(old);
    const target = blobService().getContainerClient(CONTAINER).getBlockBlobClient('kept/out/predictions.csv');
    const blocks = await target.getBlockList('uncommitted');
    expect(blocks.uncommittedBlocks?.length ?? 0).toBeGreaterThanOrEqual(4);

    await expectCsvScored(await client.waitFor(id, undefined, 180_000), 'kept', rows, 12);
    const committed = await target.getBlockList('committed');
    expect(committed.committedBlocks).toHaveLength(1 + 12);
  }, 400_000);
});
