/**
 * Helpers for batch e2e tests: an emulator host over the repo's app (run `npx tsc -p tsconfig.json`
 * first), the shared Azurite for inputs and outputs, the tiny MLP registered as a model, inputs in
 * CSV/JSONL/Parquet, and in-process ONNX Runtime for the expected predictions.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import * as ort from 'onnxruntime-node';
import { pollUntil } from '../../support/poll';
import { REPO_ROOT, startHost, type HostProcess, type SlowMiniBatches } from '../../support/hostProcess';
import { jobBlobs, JOBS_CONTAINER } from '../../../shared/batch/jobStorage';

export const MODEL_FILE = path.join(REPO_ROOT, 'test', 'fixtures', 'models', 'mlp-tiny.onnx');
export const FEATURES = 16;
export const OUTPUTS = 4;
export const CONTAINER = 'workspaceblobstore';

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

export interface BatchJobView {
  id: string;
  status: string;
  progress: { totalMiniBatches: number; succeeded: number; failed: number; rowsScored: number; rowsFailed: number };
  output: { datastore: string; path: string };
  error?: { code: string; message: string };
  startedAt?: string;
  endedAt?: string;
}

export class BatchClient {
  constructor(readonly host: HostProcess) {}

  async call<T = Record<string, unknown>>(
    method: string,
    route: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<Answer<T>> {
    const res = await fetch(`${this.host.baseUrl}/${route}`, {
      method,
      headers: {
        'x-functions-key': this.host.functionKey,
        ...(body === undefined ? {} : { 'content-type': contentType }),
      },
      ...(body === undefined ? {} : { body: body instanceof Uint8Array ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
  }

  /** Registers the tiny MLP (16 → 4) as the next version of `name`. */
  async registerModel(name: string): Promise<number> {
    const answer = await this.call<{ version: number }>(
      'POST',
      `api/models/${name}/versions`,
      new Uint8Array(fs.readFileSync(MODEL_FILE)),
      'application/octet-stream',
    );
    expect(answer.status).toBe(201);
    return answer.body.version;
  }

  /** Uploads `rows` as `{folder}/in.csv` and submits a job over it into `{folder}/out`; answers the job's id. */
  async submitCsv(folder: string, rows: number[][], spec: Record<string, unknown>): Promise<string> {
    await upload(`${folder}/in.csv`, csvText(rows));
    const submitted = await this.submit(workspaceJob(`${folder}/in.csv`, `${folder}/out`, spec));
    expect(submitted.status).toBe(202);
    return submitted.body.id;
  }

  /** Registers the tiny MLP as `mlp-{folder}`, then submits a job of its version 1 as `submitCsv` does. */
  async submitMlpCsv(folder: string, rows: number[][], spec: Record<string, unknown>): Promise<string> {
    await this.registerModel(`mlp-${folder}`);
    return this.submitCsv(folder, rows, { model: `mlp-${folder}:1`, ...spec });
  }

  async submit(
    spec: Record<string, unknown>,
  ): Promise<Answer<{ id: string; status: string; statusUri: string; error?: { code: string; message: string } }>> {
    return this.call('POST', 'api/batch/jobs', spec);
  }

  async job(id: string): Promise<BatchJobView> {
    const answer = await this.call<BatchJobView>('GET', `api/batch/jobs/${id}`);
    expect(answer.status).toBe(200);
    return answer.body;
  }

  /** Polls until the job ends (or `until` holds); fails with the host output on timeout. */
  async waitFor(
    id: string,
    until: (job: BatchJobView) => boolean = (j) => ['Completed', 'Failed', 'Canceled'].includes(j.status),
    timeoutMs = 90_000,
  ): Promise<BatchJobView> {
    try {
      return await pollUntil(
        async () => {
          const job = await this.job(id);
          return until(job) ? job : undefined;
        },
        `batch job ${id}`,
        timeoutMs,
        100,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- host output (tail) ---\n${this.host.output().slice(-6000)}`);
    }
  }
}

export interface BatchHostOptions {
  env?: Record<string, string>;
  slowMiniBatches?: SlowMiniBatches;
  /** Restart on the data dir, keys and port of a host that was stopped or killed. */
  reuse?: HostProcess;
  /** Register the tiny MLP as this model's first version once the host is up. */
  model?: string;
}

export async function startBatchHost({
  env = {},
  slowMiniBatches,
  reuse,
  model,
}: BatchHostOptions = {}): Promise<BatchClient> {
  const host = await startHost({
    appDir: REPO_ROOT,
    env,
    ...(slowMiniBatches ? { slowMiniBatches } : {}),
    ...(reuse
      ? { dataDir: reuse.dataDir, functionKey: reuse.functionKey, masterKey: reuse.masterKey, port: reuse.port }
      : {}),
  });
  const client = new BatchClient(host);
  if (model) await client.registerModel(model);
  return client;
}

/** A job spec over CSV at `input` into `output`, both in the workspace's default datastore. */
export function workspaceJob(input: string, output: string, settings: Record<string, unknown> = {}) {
  return {
    input: { datastore: CONTAINER, path: input, format: 'csv' },
    output: { datastore: CONTAINER, path: output },
    ...settings,
  };
}

/**
 * Polls until mini-batch `slowIndex - 1` of a job has written its output and `slowIndex` (the one the host
 * slows on its first try) has not: with `maxConcurrency: 1`, `slowIndex` is then in flight.
 */
export async function waitInFlight(jobId: string, slowIndex: number): Promise<void> {
  await pollUntil(
    async () => (await partialWritten(jobId, slowIndex - 1)) && !(await partialWritten(jobId, slowIndex)),
    `mini-batch ${slowIndex} of ${jobId} to be in flight`,
    60_000,
    50,
  );
}

/** Whether mini-batch `index` of a job has written its partial output (its activity finished). */
export function partialWritten(jobId: string, index: number): Promise<boolean> {
  return blobService().getContainerClient(JOBS_CONTAINER).getBlobClient(jobBlobs.partial(jobId, index)).exists();
}

export function blobService(): BlobServiceClient {
  const connection = process.env.SIBYL_TEST_STORAGE_CONNECTION_STRING;
  if (!connection)
    throw new Error('SIBYL_TEST_STORAGE_CONNECTION_STRING is not set (run under the Jest global setup).');
  return BlobServiceClient.fromConnectionString(connection);
}

export async function upload(blobPath: string, body: string | Buffer, container = CONTAINER): Promise<void> {
  const client = blobService().getContainerClient(container);
  await client.createIfNotExists();
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  await client.getBlockBlobClient(blobPath).uploadData(bytes);
}

export async function download(blobPath: string, container = CONTAINER): Promise<string> {
  return (await blobService().getContainerClient(container).getBlobClient(blobPath).downloadToBuffer()).toString(
    'utf8',
  );
}

/** Deterministic feature rows with short decimals (exact in text, rounded to FP32 by both sides). */
export function featureRows(count: number, seed = 1): number[][] {
  return Array.from({ length: count }, (_, r) =>
    Array.from({ length: FEATURES }, (_, c) => (((r + seed) * 31 + c * 17) % 200) / 40 - 2.5),
  );
}

export function csvText(
  rows: number[][],
  header = Array.from({ length: FEATURES }, (_, i) => `features_${i}`),
): string {
  return `${header.join(',')}\n${rows.map((r) => r.join(',')).join('\n')}\n`;
}

/** A Parquet file with columns `features_0…15` (DOUBLE), written by hyparquet-writer in a child Node (it is an ES module). */
export function parquetBytes(rows: number[][], rowGroupSize: number): Buffer {
  const columns = Array.from({ length: FEATURES }, (_, c) => ({
    name: `features_${c}`,
    data: rows.map((r) => r[c]),
    type: 'DOUBLE',
  }));
  const script = `const { parquetWriteBuffer } = require('hyparquet-writer');
let input = '';
process.stdin.on('data', (d) => (input += d)).on('end', () => {
  const { columns, rowGroupSize } = JSON.parse(input);
  process.stdout.write(Buffer.from(parquetWriteBuffer({ columnData: columns, rowGroupSize })));
});`;
  return execFileSync(process.execPath, ['-e', script], {
    cwd: REPO_ROOT,
    input: JSON.stringify({ columns, rowGroupSize }),
    maxBuffer: 256 * 1024 * 1024,
  });
}

/** The tiny MLP's scores for `rows`, by in-process ONNX Runtime. */
export async function expectedScores(rows: number[][]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(fs.readFileSync(MODEL_FILE));
  try {
    const data = Float32Array.from(rows.flat());
    const result = await session.run({ features: new ort.Tensor('float32', data, [rows.length, FEATURES]) });
    return result.scores!.data as Float32Array;
  } finally {
    await session.release();
  }
}

/** `predictions.csv` as header + rows of cells (no quoting in these tests). */
export function parsePredictions(text: string): { header: string[]; rows: string[][] } {
  const lines = text.split('\n').filter((l) => l.length > 0);
  return { header: lines[0]!.split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

/**
 * Checks a job over `{folder}/in.csv` (`rows`): Completed in `miniBatches` mini-batches, and its
 * `{folder}/out/predictions.csv` holds every row once, in input order, with ORT's scores.
 */
export async function expectCsvScored(
  job: BatchJobView,
  folder: string,
  rows: number[][],
  miniBatches: number,
): Promise<void> {
  expect(job.status).toBe('Completed');
  expect(job.progress).toEqual({
    totalMiniBatches: miniBatches,
    succeeded: miniBatches,
    failed: 0,
    rowsScored: rows.length,
    rowsFailed: 0,
  });
  const predictions = parsePredictions(await download(`${folder}/out/predictions.csv`)).rows;
  expectScores(predictions, `${folder}/in.csv`, await expectedScores(rows));
}

/**
 * Checks that `rows` (predictions of `file`) hold exactly `expected` for rows `1…n` in order:
 * `file,row,scores_0…scores_3`, each value equal to ORT's as FP32.
 */
export function expectScores(rows: string[][], file: string, expected: Float32Array, rowNumbers?: number[]): void {
  const n = expected.length / OUTPUTS;
  expect(rows.length).toBe(n);
  rows.forEach((cells, i) => {
    expect(cells[0]).toBe(file);
    expect(Number(cells[1])).toBe(rowNumbers ? rowNumbers[i] : i + 1);
    for (let k = 0; k < OUTPUTS; k++) {
      const got = Math.fround(Number(cells[2 + k]));
      if (got !== expected[i * OUTPUTS + k])
        throw new Error(
          `${file} row ${cells[1]} scores_${k}: got ${cells[2 + k]}, expected ${expected[i * OUTPUTS + k]}`,
        );
    }
  });
}
