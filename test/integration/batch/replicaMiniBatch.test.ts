/**
 * Mini-batches of a job through a deployment's scoring script, against the test run's Azurite and a
 * stand-in replica that speaks the `POST /batch` contract (and plays the local compute's status route):
 * what the replica receives for file and tabular inputs, `predictions.csv` as the merge commits it, and
 * the failures (wrong result count, the script failing, no replica) that fail the mini-batch.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { saveJobContext } from '../../../shared/batch/jobContext';
import { planJob } from '../../../shared/batch/jobPlanner';
import { jobSettings } from '../../../shared/batch/jobSettings';
import { scoreMiniBatch } from '../../../shared/batch/miniBatchScorer';
import { mergeOutputs } from '../../../shared/batch/outputMerger';
import { RESULT_OUTPUT } from '../../../shared/batch/replicaMiniBatch';
import { parseCsvLine } from '../../../shared/portable/csv';

const SCORER_KEY = `scorer-${randomUUID()}`;
const container = `replica-batch-${randomUUID().slice(0, 8)}`;

type BatchBody = { files?: { name: string; contentBase64: string }[]; columns?: string[]; rows?: unknown[][] };

/** What the stand-in replica received, by deployment. */
const received = new Map<string, BatchBody[]>();

/**
 * The stand-in: `GET /admin/compute/apps/{e}/{d}` answers a replica URL per deployment (none for
 * `gone`), `POST /replicas/{d}/batch` plays `run`: one result per input (`echo`), one too few (`short`),
 * the script failing (`broken`), or the body refused as too large (`huge`).
 */
function standIn(): http.Server {
  return http.createServer((req, res) => {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const status = /^\/admin\/compute\/apps\/[^/]+\/([^/]+)$/.exec(req.url ?? '');
    if (status) {
      const { port } = req.socket.address() as AddressInfo;
      if (status[1] === 'gone') return answer(200, { provisioningState: 'Failed', error: 'image pull failed' });
      return answer(200, { provisioningState: 'Succeeded', url: `http://127.0.0.1:${port}/replicas/${status[1]}` });
    }
    const batch = /^\/replicas\/([^/]+)\/batch$/.exec(req.url ?? '');
    if (!batch || req.method !== 'POST') return answer(404, { error: 'no such route' });
    if (req.headers.authorization !== `Bearer ${SCORER_KEY}`) return answer(401, { error: 'unauthorized' });
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const body = JSON.parse(text) as BatchBody;
      const mode = batch[1]!;
      received.set(mode, [...(received.get(mode) ?? []), body]);
      if (mode === 'huge') return answer(413, { error: 'The request body is larger than 10 bytes.' });
      if (mode === 'broken')
        return answer(500, { error: { code: 'ScoringScriptError', message: 'ZeroDivisionError in run()' } });
      const results = body.files
        ? body.files.map((f) => ({
            name: f.name,
            lines: Buffer.from(f.contentBase64, 'base64').toString().split('\n').length,
          }))
        : body.rows!.map((row) =>
            row[0] === 'list' ? [1, 'two'] : row.reduce<number>((s, v) => s + (typeof v === 'number' ? v : 0), 0),
          );
      answer(200, { results: mode === 'short' ? results.slice(1) : results });
    });
  });
}

let server: http.Server;
let blobs: ContainerClient;

beforeAll(async () => {
  server = standIn();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  Object.assign(process.env, {
    AzureWebJobsStorage: process.env.SIBYL_TEST_STORAGE_CONNECTION_STRING,
    COSMOS_ENDPOINT: process.env.SIBYL_TEST_COSMOS_ENDPOINT,
    COSMOS_KEY: process.env.SIBYL_TEST_COSMOS_KEY,
    SIBYL_COMPUTE: 'local',
    SIBYL_COMPUTE_URL: `http://127.0.0.1:${port}`,
    SIBYL_COMPUTE_KEY: 'compute-key',
    SIBYL_SCORER_KEY: SCORER_KEY,
  });
  blobs = BlobServiceClient.fromConnectionString(process.env.SIBYL_TEST_STORAGE_CONNECTION_STRING!).getContainerClient(
    container,
  );
  await blobs.create();
  await blobs
    .getBlockBlobClient('in/a.csv')
    .uploadData(Buffer.from('x,y,label\n1,2,a\n3,,b\nlist,5,"c, d"\n4,0.5,e\n'));
  await blobs.getBlockBlobClient('in/b.csv').uploadData(Buffer.from('x,y,label\r\n10,20,f\r\n'));
  await blobs.getBlockBlobClient('twice/a.csv').uploadData(Buffer.from('x\n1\n'));
  await blobs.getBlockBlobClient('twice/x/a.csv').uploadData(Buffer.from('x\n2\n'));
  await blobs.getBlockBlobClient('json/rows.jsonl').uploadData(Buffer.from('{"x":1,"y":2}\n{"y":3,"z":"w"}\n'));
});

afterAll(async () => {
  await blobs?.deleteIfExists();
  await new Promise((resolve) => server?.close(resolve));
});

/** Saves a job through deployment `ep/{mode}` (a python scoring script), plans it, and answers its id. */
async function plannedJob(
  mode: string,
  input: { path: string; format: 'csv' | 'jsonl' },
  miniBatchSize: { rows: number } | { files: number },
): Promise<{ jobId: string; miniBatches: number }> {
  const jobId = `batch-${randomUUID()}`;
  const spec = {
    deployment: `ep/${mode}`,
    input: { datastore: 'lake', ...input },
    output: { datastore: 'lake', path: `out/${jobId}` },
    miniBatchSize,
  };
  await saveJobContext({
    jobId,
    settings: jobSettings(spec),
    target: {
      deployment: { endpoint: 'ep', name: mode },
      modelName: 'weights',
      modelVersion: 1,
      blobPath: 'weights/1/',
      environment: 'python-3.11@1',
      scoringScript: { runtime: 'python' },
    },
    signature: { inputs: [], outputs: [RESULT_OUTPUT] },
    input: { name: 'lake', container },
    output: { name: 'lake', container, path: `out/${jobId}/predictions.csv` },
  });
  return { jobId, miniBatches: (await planJob(jobId)).miniBatches };
}

async function predictions(jobId: string): Promise<string[][]> {
  const text = (await blobs.getBlobClient(`out/${jobId}/predictions.csv`).downloadToBuffer()).toString();
  return text
    .split('\n')
    .filter((l) => l)
    .map(parseCsvLine);
}

describe('mini-batches through a scoring script', () => {
  it('sends rows under their column names and writes one line per row with its file and row', async () => {
    const { jobId, miniBatches } = await plannedJob('echo', { path: 'in/*.csv', format: 'csv' }, { rows: 3 });
    expect(miniBatches).toBe(3);
    const results = [];
    for (let i = 0; i < miniBatches; i++) results.push(await scoreMiniBatch(jobId, i, { timeoutMs: 30_000 }));
    expect(results.map((r) => r.rows)).toEqual([3, 1, 1]);
    expect(await mergeOutputs(jobId)).toEqual({ rows: 5 });
    expect(received.get('echo')!.slice(0, 3)).toEqual([
      {
        columns: ['x', 'y', 'label'],
        rows: [
          [1, 2, 'a'],
          [3, null, 'b'],
          ['list', 5, 'c, d'],
        ],
      },
      { columns: ['x', 'y', 'label'], rows: [[4, 0.5, 'e']] },
      { columns: ['x', 'y', 'label'], rows: [[10, 20, 'f']] },
    ]);
    expect(await predictions(jobId)).toEqual([
      ['file', 'row', 'result'],
      ['in/a.csv', '1', '3'],
      ['in/a.csv', '2', '3'],
      ['in/a.csv', '3', '[1,"two"]'],
      ['in/a.csv', '4', '4.5'],
      ['in/b.csv', '1', '30'],
    ]);
  });

  it('sends whole files as base64 and writes one line per file', async () => {
    received.delete('echo');
    const { jobId, miniBatches } = await plannedJob('echo', { path: 'in/*.csv', format: 'csv' }, { files: 10 });
    expect(miniBatches).toBe(1);
    expect(await scoreMiniBatch(jobId, 0, { timeoutMs: 30_000 })).toMatchObject({ rows: 2, failedRows: 0 });
    await mergeOutputs(jobId);
    const [sent] = received.get('echo')!;
    expect(sent!.files!.map((f) => [f.name, Buffer.from(f.contentBase64, 'base64').toString()])).toEqual([
      ['a.csv', 'x,y,label\n1,2,a\n3,,b\nlist,5,"c, d"\n4,0.5,e\n'],
      ['b.csv', 'x,y,label\r\n10,20,f\r\n'],
    ]);
    expect(await predictions(jobId)).toEqual([
      ['file', 'row', 'result'],
      ['in/a.csv', '', '{"name":"a.csv","lines":6}'],
      ['in/b.csv', '', '{"name":"b.csv","lines":3}'],
    ]);
  });

  it('gives files of one mini-batch that share a name distinct plain names', async () => {
    received.delete('echo');
    const { jobId } = await plannedJob('echo', { path: 'twice/', format: 'csv' }, { files: 10 });
    await scoreMiniBatch(jobId, 0, { timeoutMs: 30_000 });
    expect(received.get('echo')![0]!.files!.map((f) => f.name)).toEqual(['a.csv', '1-a.csv']);
    await mergeOutputs(jobId);
    expect((await predictions(jobId)).map((line) => line.slice(0, 2))).toEqual([
      ['file', 'row'],
      ['twice/a.csv', ''],
      ['twice/x/a.csv', ''],
    ]);
  });

  it('sends JSONL object lines as rows over the union of their keys', async () => {
    received.delete('echo');
    const { jobId } = await plannedJob('echo', { path: 'json/rows.jsonl', format: 'jsonl' }, { rows: 10 });
    await scoreMiniBatch(jobId, 0, { timeoutMs: 30_000 });
    expect(received.get('echo')).toEqual([
      {
        columns: ['x', 'y', 'z'],
        rows: [
          [1, 2, null],
          [null, 3, 'w'],
        ],
      },
    ]);
  });

  it('fails the mini-batch when run() returns a result count other than one per input', async () => {
    const { jobId } = await plannedJob('short', { path: 'in/a.csv', format: 'csv' }, { rows: 10 });
    await expect(scoreMiniBatch(jobId, 0, { timeoutMs: 30_000 })).rejects.toThrow(
      /Mini-batch 0: the scoring script's run\(\) returned 3 results for 4 inputs; it must return exactly one/,
    );
    expect((await mergeOutputs(jobId)).rows).toBe(0);
  });

  it("fails the mini-batch with the replica's message when the scoring script raises", async () => {
    const { jobId } = await plannedJob('broken', { path: 'in/a.csv', format: 'csv' }, { rows: 10 });
    await expect(scoreMiniBatch(jobId, 0, { timeoutMs: 30_000 })).rejects.toMatchObject({
      name: 'ScoringScriptError',
      message: 'The scoring script failed: ZeroDivisionError in run()',
    });
  });

  it('fails the mini-batch, saying to make mini-batches smaller, when the replica refuses its size', async () => {
    const { jobId } = await plannedJob('huge', { path: 'in/a.csv', format: 'csv' }, { rows: 10 });
    await expect(scoreMiniBatch(jobId, 0, { timeoutMs: 30_000 })).rejects.toMatchObject({
      code: 'PayloadTooLarge',
      message: expect.stringMatching(
        /replica: The request body is larger than 10 bytes\. Give the job a smaller miniBatchSize/,
      ),
    });
  });

  it('fails the mini-batch (to be retried) when the deployment has no replica', async () => {
    const { jobId } = await plannedJob('gone', { path: 'in/a.csv', format: 'csv' }, { rows: 10 });
    await expect(scoreMiniBatch(jobId, 0, { timeoutMs: 30_000 })).rejects.toMatchObject({
      code: 'ServiceUnavailable',
      message: "Deployment 'ep/gone' has no replicas to score on (Failed: image pull failed).",
    });
  });
});
