/**
 * `sibyl models register PATH` for a model larger than the host's request limit: the CLI stages it
 * (write-only SAS, parallel blocks) and the host registers it from storage as streams, so the host's
 * memory does not grow with the model. Also folders, which always go staged, and a small file sent
 * directly.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphBuilder } from '../../../scripts/onnx/graphBuilder';
import { REPO_ROOT, startHost, tempDir, type HostProcess } from '../../support/hostProcess';
import { HOST_START_MS, ServingClient, uniqueSuffix } from '../serving/support/servingClient';
import { cliUser } from './cliProcess';

const RUN = uniqueSuffix();
const LIMIT = 1024 * 1024;
const WEIGHTS = 128 * 1024 * 1024;

/** Anonymous resident memory of a process (heap, buffers, native allocations; not mapped files), from /proc (Linux). */
function rssBytes(pid: number): number {
  const match = /RssAnon:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

describe('CLI staged model upload (emulator over HTTP)', () => {
  let host: HostProcess;
  let run: ReturnType<typeof cliUser>['run'];
  let sibyl: ServingClient;

  beforeAll(async () => {
    host = await startHost({ appDir: REPO_ROOT, env: { SIBYL_MAX_REQUEST_BYTES: String(LIMIT) } });
    sibyl = new ServingClient(host);
    run = cliUser({ SIBYL_URL: host.baseUrl, SIBYL_KEY: host.functionKey }).run;
  }, HOST_START_MS);

  afterAll(async () => {
    await host?.stop();
  });

  /** A folder with an ONNX model whose `bytes` of weights are external data. */
  function modelFolder(bytes: number): string {
    const folder = tempDir('big-model');
    const elements = bytes / 4;
    const model = new GraphBuilder('big')
      .input('x', 'FP32', ['n', elements])
      .externalInitializer('w', [elements], 'weights.bin')
      .node('Add', ['x', 'w'], ['y'])
      .output('y', 'FP32', ['n', elements])
      .build();
    writeFileSync(join(folder, 'model.onnx'), model);
    const weights = Buffer.alloc(bytes);
    for (let i = 0; i < 16; i++) weights.writeFloatLE(i, i * 4);
    writeFileSync(join(folder, 'weights.bin'), weights);
    return folder;
  }

  it('registers a model far over the request limit through the staged upload while the host memory stays flat', async () => {
    // The first registration loads code (archive readers, ONNX Runtime, the SDK clients): not the model's cost.
    const first = await run(['models', 'register', modelFolder(2 * LIMIT), '--name', `big-${RUN}`, '-o', 'json'], {
      timeoutMs: 300_000,
    });
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
    const folder = modelFolder(WEIGHTS);
    const weights = readFileSync(join(folder, 'weights.bin'));

    const pid = host.child.pid!;
    const before = rssBytes(pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 20);
    let result;
    try {
      result = await run(['models', 'register', folder, '--name', `big-${RUN}`, '-o', 'json'], { timeoutMs: 300_000 });
    } finally {
      clearInterval(sampler);
    }
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    const version = result.json<{ type: string; files: Array<{ path: string; sizeBytes: number }> }>();
    expect(version.type).toBe('onnx');
    expect(version.files.find((f) => f.path === 'weights.bin')?.sizeBytes).toBe(WEIGHTS);
    // The host never held the 128 MB of weights: it streamed them to disk and Blob storage, and ONNX
    // Runtime read them from the model's folder (measured: ~30 MB of working memory at 16 MB and 128 MB alike).
    expect(peak - before).toBeLessThan(WEIGHTS / 2);
    rmSync(folder, { recursive: true, force: true });

    const direct = await sibyl.call('POST', `api/models/big-${RUN}/versions`, {
      body: weights.subarray(0, LIMIT + 1),
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(direct.status).toBe(413);
  }, 400_000);

  it('answers bad staged registrations with 400', async () => {
    const name = `staged-${RUN}`;
    const register = (body: unknown) => sibyl.call('POST', `api/models/${name}/versions`, { body });
    expect((await register({ upload: '../../etc' })).body.error.message).toMatch(/not an upload id/);
    const started = await sibyl.call('POST', `api/models/${name}/uploads`);
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({
      container: 'model-uploads',
      prefix: `${name}/${started.body.id}/`,
      maxRequestBytes: LIMIT,
    });
    // Write-only: create and write, no read, list or delete.
    expect(new URL(started.body.uploadUrl).searchParams.get('sp')).toMatch(/^[cw]+$/);
    expect((await register({ upload: started.body.id })).body.error.message).toMatch(/holds no files/);
    expect((await register({ upload: started.body.id, extra: 1 })).status).toBe(400);
    expect((await register({ upload: started.body.id, type: 'pickle' })).status).toBe(400);
    expect((await sibyl.call('POST', 'api/models/-bad/uploads')).status).toBe(400);
  });

  it('sends a small file directly and stages a folder', async () => {
    const folder = tempDir('small-model');
    const model = new GraphBuilder('small')
      .input('x', 'FP32', ['n', 2])
      .node('Identity', ['x'], ['y'])
      .output('y', 'FP32', ['n', 2])
      .build();
    writeFileSync(join(folder, 'model.onnx'), model);
    const file = expectOk(
      await run(['models', 'register', join(folder, 'model.onnx'), '--name', `small-${RUN}`, '-o', 'json']),
    );
    expect(file).toMatchObject({ version: 1, type: 'onnx' });
    writeFileSync(join(folder, 'score.py'), 'def run(x):\n    return x\n');
    const custom = expectOk(
      await run(['models', 'register', folder, '--name', `small-${RUN}`, '--type', 'custom', '-o', 'json']),
    );
    expect(custom).toMatchObject({ version: 2, type: 'custom' });
    const refused = await run(['models', 'register', folder, '--name', `small-${RUN}`, '--type', 'mlflow']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/MLmodel/);
  });
});

function expectOk(result: { code: number | null; stdout: string; stderr: string; json<T>(): T }): unknown {
  if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stderr}`);
  return result.json();
}
