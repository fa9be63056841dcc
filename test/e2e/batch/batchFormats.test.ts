/** Batch jobs end to end in the emulator: CSV, JSONL and Parquet, by files and by rows, equal to in-process ORT. */
import {
  type BatchClient,
  csvText,
  FEATURES,
  download,
  expectScores,
  expectedScores,
  featureRows,
  parquetBytes,
  parsePredictions,
  startBatchHost,
  upload,
} from './batchHarness';

let client: BatchClient;
const model = `mlp-formats`;

beforeAll(async () => (client = await startBatchHost({ model })), 120_000);
afterAll(() => client?.host.stop());

async function runJob(
  spec: Record<string, unknown>,
): Promise<ReturnType<BatchClient['job']> extends Promise<infer J> ? J : never> {
  const submitted = await client.submit({ model: `${model}:1`, ...spec });
  if (submitted.status !== 202)
    throw new Error(`submit answered ${submitted.status}: ${JSON.stringify(submitted.body)}`);
  expect(submitted.body.status).toBe('Queued');
  expect(submitted.body.statusUri).toContain(`/api/batch/jobs/${submitted.body.id}`);
  return client.waitFor(submitted.body.id);
}

describe('batch scoring formats', () => {
  it('scores CSV files split by rows into predictions.csv in input order', async () => {
    const a = featureRows(250, 1);
    const b = featureRows(130, 2);
    await upload('formats/csv/a.csv', csvText(a));
    await upload('formats/csv/b.csv', csvText(b));
    const job = await runJob({
      input: { datastore: 'workspaceblobstore', path: 'formats/csv/', format: 'csv' },
      output: { datastore: 'workspaceblobstore', path: 'formats/out-csv-rows' },
      miniBatchSize: { rows: 40 },
      maxConcurrency: 3,
    });
    expect(job.error).toBeUndefined();
    expect(job.status).toBe('Completed');
    expect(job.progress).toEqual({ totalMiniBatches: 7 + 4, succeeded: 11, failed: 0, rowsScored: 380, rowsFailed: 0 });
    expect(job.output).toEqual({ datastore: 'workspaceblobstore', path: 'formats/out-csv-rows/predictions.csv' });
    const { header, rows } = parsePredictions(await download('formats/out-csv-rows/predictions.csv'));
    expect(header).toEqual(['file', 'row', 'scores_0', 'scores_1', 'scores_2', 'scores_3']);
    expectScores(rows.slice(0, 250), 'formats/csv/a.csv', await expectedScores(a));
    expectScores(rows.slice(250), 'formats/csv/b.csv', await expectedScores(b));
  });

  it('scores CSV by files (two per mini-batch), with a glob and columns in another order in one file', async () => {
    const sets = [featureRows(20, 3), featureRows(15, 4), featureRows(9, 5)];
    await upload('formats/glob/x-1.csv', csvText(sets[0]!));
    await upload('formats/glob/x-2.csv', csvText(sets[1]!));
    const reversed = Array.from({ length: FEATURES }, (_, i) => `features_${FEATURES - 1 - i}`);
    await upload(
      'formats/glob/x-3.csv',
      csvText(
        sets[2]!.map((r) => [...r].reverse()),
        reversed,
      ),
    );
    await upload('formats/glob/skip.txt', 'not an input');
    const job = await runJob({
      input: { datastore: 'workspaceblobstore', path: 'formats/glob/x-*.csv', format: 'csv' },
      output: { datastore: 'workspaceblobstore', path: 'formats/out-files', fileName: 'scores.csv' },
      miniBatchSize: { files: 2 },
    });
    expect(job.status).toBe('Completed');
    expect(job.progress).toMatchObject({ totalMiniBatches: 2, succeeded: 2, rowsScored: 44, rowsFailed: 0 });
    const { rows } = parsePredictions(await download('formats/out-files/scores.csv'));
    expectScores(rows.slice(0, 20), 'formats/glob/x-1.csv', await expectedScores(sets[0]!));
    expectScores(rows.slice(20, 35), 'formats/glob/x-2.csv', await expectedScores(sets[1]!));
    expectScores(rows.slice(35), 'formats/glob/x-3.csv', await expectedScores(sets[2]!));
  });

  it('scores JSONL objects by rows and JSONL arrays by files', async () => {
    const a = featureRows(90, 6);
    await upload('formats/jsonl-obj/a.jsonl', a.map((r) => JSON.stringify({ id: 'x', features: r })).join('\n') + '\n');
    const objects = await runJob({
      input: { datastore: 'workspaceblobstore', path: 'formats/jsonl-obj/a.jsonl', format: 'jsonl' },
      output: { datastore: 'workspaceblobstore', path: 'formats/out-jsonl-obj' },
      miniBatchSize: { rows: 25 },
    });
    expect(objects.status).toBe('Completed');
    expect(objects.progress).toMatchObject({ totalMiniBatches: 4, rowsScored: 90 });
    expectScores(
      parsePredictions(await download('formats/out-jsonl-obj/predictions.csv')).rows,
      'formats/jsonl-obj/a.jsonl',
      await expectedScores(a),
    );

    const b = featureRows(33, 7);
    await upload('formats/jsonl-arr/b.jsonl', b.map((r) => JSON.stringify(r)).join('\n'));
    const arrays = await runJob({
      input: { datastore: 'workspaceblobstore', path: 'formats/jsonl-arr', format: 'jsonl' },
      output: { datastore: 'workspaceblobstore', path: 'formats/out-jsonl-arr' },
    });
    expect(arrays.status).toBe('Completed');
    expectScores(
      parsePredictions(await download('formats/out-jsonl-arr/predictions.csv')).rows,
      'formats/jsonl-arr/b.jsonl',
      await expectedScores(b),
    );
  });

  it('scores Parquet by rows (ranges inside row groups) and by files', async () => {
    const a = featureRows(300, 8);
    const b = featureRows(70, 9);
    await upload('formats/parquet/a.parquet', parquetBytes(a, 128));
    await upload('formats/parquet/b.parquet', parquetBytes(b, 1000));
    const byRows = await runJob({
      input: { datastore: 'workspaceblobstore', path: 'formats/parquet/', format: 'parquet' },
      output: { datastore: 'workspaceblobstore', path: 'formats/out-parquet-rows' },
      miniBatchSize: { rows: 50 },
    });
    expect(byRows.error).toBeUndefined();
    // a: row groups 128+128+44 → 3+3+1 mini-batches; b: one group of 70 → 2.
    expect(byRows.progress).toMatchObject({ totalMiniBatches: 9, succeeded: 9, rowsScored: 370 });
    const rows = parsePredictions(await download('formats/out-parquet-rows/predictions.csv')).rows;
    expectScores(rows.slice(0, 300), 'formats/parquet/a.parquet', await expectedScores(a));
    expectScores(rows.slice(300), 'formats/parquet/b.parquet', await expectedScores(b));

    const byFiles = await runJob({
      input: { datastore: 'workspaceblobstore', path: 'formats/parquet/*.parquet', format: 'parquet' },
      output: { datastore: 'workspaceblobstore', path: 'formats/out-parquet-files' },
      miniBatchSize: { files: 1 },
    });
    expect(byFiles.progress).toMatchObject({ totalMiniBatches: 2, rowsScored: 370 });
    expect(await download('formats/out-parquet-files/predictions.csv')).toBe(
      await download('formats/out-parquet-rows/predictions.csv'),
    );
  });
});
