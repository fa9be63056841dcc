/**
 * Change-based schedules in the emulator (the blob trigger polls Azurite): one run per dropped blob
 * version, none for an untouched blob or a path the pattern does not match, a second run for a
 * rewritten blob, and the full chain — a CSV lands → the pipeline scores it with batch scoring →
 * `predictions.csv` → the input is archived.
 */
import * as fs from 'node:fs';
import {
  csvText,
  expectScores,
  expectedScores,
  featureRows,
  MODEL_FILE,
  parsePredictions,
} from '../batch/batchHarness';
import { pollUntil } from '../../support/poll';
import { blobContainer, pipelineSuite, readBlob, scoreThenArchive, transferStep } from './pipelineHarness';

const { names, ds, lake, client } = pipelineSuite('change', { prefix: 'lake/' });

/** Uploads `lake/<path>` and returns its ETag. */
async function drop(path: string, body: string): Promise<string> {
  const { etag } = await lake.getBlockBlobClient(`lake/${path}`).upload(body, Buffer.byteLength(body));
  return etag!;
}

/** Waits until the host's blob trigger has handled this blob version (its receipt exists). */
async function handled(path: string, etag: string): Promise<void> {
  const receipt = `blobreceipts/sibyl/scheduleBlobTrigger/${etag.replace(/"/g, '')}/${names.container}/lake/${path}`;
  await pollUntil(
    () => blobContainer('azure-webjobs-hosts').getBlobClient(receipt).exists(),
    `the blob trigger to handle ${path}`,
    30_000,
    100,
  );
}

beforeAll(async () => {
  await client.registerModel('mlp-chain', new Uint8Array(fs.readFileSync(MODEL_FILE)));
  await client.publish('keep-copy', {
    parameters: { inputPath: 'none' },
    steps: [transferStep('copy', 'copy', ds, '${parameters.inputPath}', 'seen/${run.id}/')],
  });
  await client.publish('score-and-archive', scoreThenArchive(ds, 'mlp-chain:1'));
  await client.expect(201, 'PUT', 'api/schedules/on-drop', {
    pipeline: 'keep-copy:1',
    trigger: { datastore: ds, pathPattern: 'drops/*.csv' },
  });
  await client.expect(201, 'PUT', 'api/schedules/on-landing', {
    pipeline: 'score-and-archive:1',
    trigger: { datastore: ds, pathPattern: 'incoming/**/*.csv' },
  });
}, 180_000);

describe('change-based schedules', () => {
  it('fires once per blob version: not again for the same blob, again when it is rewritten, never for other paths', async () => {
    await drop('drops/a.csv', 'x\n1\n');
    const [first] = await client.waitForFires('on-drop', 1, 'drops/a.csv');
    const run = await client.waitForRun(first!.runId);
    expect(run).toMatchObject({ status: 'Completed', schedule: 'on-drop', parameters: { inputPath: 'drops/a.csv' } });
    expect(await readBlob(lake, `lake/seen/${run.id}/a.csv`)).toBe('x\n1\n');

    // Blobs the pattern does not match: another extension, a subfolder (`*` stops at '/'), outside the datastore's prefix.
    const ignored: [string, string][] = [
      ['drops/a.txt', await drop('drops/a.txt', 'no')],
      ['drops/sub/c.csv', await drop('drops/sub/c.csv', 'no')],
    ];
    const outside = await lake.getBlockBlobClient('elsewhere/drops/d.csv').upload('no', 2);
    const bEtag = await drop('drops/b.csv', 'x\n2\n');
    await client.waitForFires('on-drop', 1, 'drops/b.csv');
    for (const [path, etag] of ignored) await handled(path, etag);
    await pollUntil(
      () =>
        blobContainer('azure-webjobs-hosts')
          .getBlobClient(
            `blobreceipts/sibyl/scheduleBlobTrigger/${outside.etag!.replace(/"/g, '')}/${names.container}/elsewhere/drops/d.csv`,
          )
          .exists(),
      'the outside blob to be handled',
      30_000,
      100,
    );
    await handled('drops/b.csv', bEtag);
    let history = (await client.schedule('on-drop')).history;
    expect(history.map((h) => h.path).sort()).toEqual(['drops/a.csv', 'drops/b.csv']);

    await drop('drops/a.csv', 'x\n3\n');
    const again = await client.waitForFires('on-drop', 2, 'drops/a.csv');
    expect(new Set(again.map((h) => h.runId)).size).toBe(2);
    history = (await client.schedule('on-drop')).history;
    expect(history).toHaveLength(3);
  });

  it('runs the full chain: a CSV lands, is scored into predictions.csv, and is archived', async () => {
    const rows = featureRows(25, 3);
    await drop('incoming/2024/day1.csv', csvText(rows));
    const [fire] = await client.waitForFires('on-landing', 1, 'incoming/2024/day1.csv');
    const run = await client.waitForRun(fire!.runId, 120_000);
    expect(run).toMatchObject({
      status: 'Completed',
      kind: 'pipeline',
      pipeline: 'score-and-archive:1',
      schedule: 'on-landing',
      parameters: { inputPath: 'incoming/2024/day1.csv' },
    });
    expect(run.metrics.rowsScored).toBe(25);
    expect(run.outputs.score).toMatchObject({
      datastore: ds,
      path: `scored/${run.id}/predictions.csv`,
      rowsScored: 25,
    });

    const [score, archive] = await client.twoSteps(run);
    expect(score).toMatchObject({ kind: 'batch-score', status: 'Completed', parentRunId: run.id });
    expect(archive).toMatchObject({
      kind: 'move',
      status: 'Completed',
      outputs: { destination: { datastore: ds, path: 'archive/day1.csv' } },
    });
    const job = await client.expect<{ status: string; progress: { rowsScored: number } }>(
      200,
      'GET',
      `api/batch/jobs/${encodeURIComponent(score.id)}`,
    );
    expect(job).toMatchObject({ status: 'Completed', progress: { rowsScored: 25 } });

    const predictions = await readBlob(lake, `lake/scored/${run.id}/predictions.csv`);
    expect(predictions).toBeDefined();
    expectScores(parsePredictions(predictions!).rows, 'incoming/2024/day1.csv', await expectedScores(rows));
    expect(await readBlob(lake, 'lake/incoming/2024/day1.csv')).toBeUndefined();
    expect(await readBlob(lake, 'lake/archive/day1.csv')).toBe(csvText(rows));
    expect((await client.schedule('on-landing')).history).toEqual([
      expect.objectContaining({ runId: run.id, status: 'Completed', path: 'incoming/2024/day1.csv' }),
    ]);
  });

  it('records a failed chain when the landed file cannot be scored, and keeps the input', async () => {
    await drop('incoming/broken.csv', 'not,the,model,columns\n1,2,3,4\n');
    const [fire] = await client.waitForFires('on-landing', 1, 'incoming/broken.csv');
    const run = await client.waitForRun(fire!.runId, 60_000);
    expect(run.status).toBe('Failed');
    expect(run.error?.message).toMatch(/Step 'score' failed/);
    const [score, archive] = await client.twoSteps(run);
    expect(score.status).toBe('Failed');
    expect(archive.status).toBe('Canceled');
    expect(await readBlob(lake, 'lake/incoming/broken.csv')).toBeDefined();
  });
});
