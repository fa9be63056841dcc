/**
 * Canceling runs with `POST api/runs/{id}/cancel`: a pipeline run stops the batch job of its step in
 * flight and skips the steps after it; finished runs and step runs are refused. The host makes the
 * first try of mini-batch 2 of every job 4 s slower (test/support/slowMiniBatches.cjs), so the job is
 * deterministically mid-way when it is canceled.
 */
import * as fs from 'node:fs';
import { csvText, featureRows, MODEL_FILE, partialWritten, waitInFlight } from '../batch/batchHarness';
import { waitTerminated } from '../../support/durableStatus';
import { pollUntil } from '../../support/poll';
import { pipelineSuite, readBlob, type RunView, scoreThenArchive } from './pipelineHarness';

const { lake, ds, client } = pipelineSuite('cancel', {
  prefix: 'lake/',
  slowMiniBatches: { once: { index: 2, ms: 4000 } },
});

beforeAll(async () => {
  await client.registerModel('mlp-cancel', new Uint8Array(fs.readFileSync(MODEL_FILE)));
  await client.publish(
    'score-then-archive',
    scoreThenArchive(ds, 'mlp-cancel:1', { miniBatchSize: { rows: 10 }, maxConcurrency: 1 }),
  );
  await lake.createIfNotExists();
}, 180_000);

describe('canceling runs', () => {
  it('cancels a pipeline run mid-step: its batch job stops, later steps never run, the input stays put', async () => {
    const input = csvText(featureRows(100, 31));
    await lake.getBlockBlobClient('lake/incoming/big.csv').upload(input, input.length);
    const run = await client.expect<RunView>(202, 'POST', 'api/pipelines/score-then-archive/versions/1/runs', {
      parameters: { inputPath: 'incoming/big.csv' },
    });
    const scoreId = `${run.id}.score`;
    await waitInFlight(scoreId, 2);
    const canceled = await client.expect<RunView>(202, 'POST', `api/runs/${run.id}/cancel`);
    expect(canceled).toMatchObject({ id: run.id, status: 'Canceled', error: { code: 'Canceled' } });
    await waitTerminated(client.host, run.id, 'the pipeline orchestration');
    await waitTerminated(client.host, scoreId, 'the batch job orchestration');
    // Once the mini-batch in flight has finished, nothing moves any run on and no other starts.
    await pollUntil(() => partialWritten(scoreId, 2), 'the mini-batch in flight to finish', 30_000, 100);
    expect(await partialWritten(scoreId, 3)).toBe(false);

    expect((await client.run(run.id)).status).toBe('Canceled');
    const [score, archive] = await client.twoSteps(run);
    expect(score).toMatchObject({ kind: 'batch-score', status: 'Canceled' });
    expect(archive).toMatchObject({ kind: 'move', status: 'Canceled', error: { code: 'Canceled' } });
    expect(await readBlob(lake, 'lake/incoming/big.csv')).toBe(input);
    expect(await readBlob(lake, `lake/scored/${run.id}/predictions.csv`)).toBeUndefined();
    const logs = await client.expect<{ value: { message: string }[] }>(200, 'GET', `api/runs/${run.id}/logs`);
    expect(logs.value.map((l) => l.message).join('\n')).toContain('canceled by request');
    // Canceling again answers the same run.
    expect(await client.expect<RunView>(202, 'POST', `api/runs/${run.id}/cancel`)).toMatchObject({
      status: 'Canceled',
    });
  }, 120_000);

  it('refuses finished runs, step runs and unknown runs', async () => {
    const small = csvText(featureRows(5, 32));
    await lake.getBlockBlobClient('lake/incoming/small.csv').upload(small, small.length);
    const run = await client.expect<RunView>(202, 'POST', 'api/pipelines/score-then-archive/versions/1/runs', {
      parameters: { inputPath: 'incoming/small.csv' },
    });
    expect((await client.waitForRun(run.id)).status).toBe('Completed');

    const finished = await client.call<{ error: { code: string; message: string } }>(
      'POST',
      `api/runs/${run.id}/cancel`,
    );
    expect(finished.status).toBe(409);
    expect(finished.body.error.message).toMatch(/already ended \(Completed\)/);
    const step = await client.call<{ error: { code: string; message: string } }>(
      'POST',
      `api/runs/${run.id}.archive/cancel`,
    );
    expect(step.status).toBe(409);
    expect(step.body.error.message).toMatch(new RegExp(`Cancel its pipeline run '${run.id}'`));
    const unknown = await client.call<{ error: { code: string } }>('POST', 'api/runs/no-such-run/cancel');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('RunNotFound');
  }, 120_000);
});
