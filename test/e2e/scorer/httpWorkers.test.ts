/**
 * A scorer replica with more than one HTTP worker (`scorer/httpWorkers.ts`), started as the local
 * compute starts one: every worker answers on the one port, a worker that dies is replaced while the
 * others serve, SIGTERM drains them all, a killed primary leaves no worker behind, and a worker that
 * cannot start fails the replica.
 */
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import * as path from 'node:path';
import { mlpModel } from '../../../scripts/onnx/mlpModel';
import { pollUntil } from '../../support/poll';
import { processAlive } from '../../support/replicaProcesses';
import { startReplica, uploadModel, type Replica } from '../../support/userCodeReplica';

const MODEL = `workers-${Date.now().toString(36)}`;
const rows = [
  [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8],
  [0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1],
];

/** Pids of `pid`'s children. */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((n) => Number.isInteger(n) && n > 0);
  } catch {
    return []; // ps exits 1 when there are none
  }
}

jest.setTimeout(120_000);

describe('scorer HTTP workers', () => {
  const cacheDir = mkdtempSync(path.join(tmpdir(), 'sibyl-workers-test-'));
  const replicas: Replica[] = [];

  beforeAll(async () => {
    const bytes = Buffer.from(mlpModel({ inputs: 8, hidden: [16], outputs: 2, seed: 5 }));
    await uploadModel(MODEL, 1, { 'model.onnx': bytes }, 'model.onnx');
  });

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    rmSync(cacheDir, { recursive: true, force: true });
  });

  function replica(extra: Record<string, string>): Replica {
    const started = startReplica({
      SIBYL_SCORER_MODEL: `${MODEL}:1`,
      SIBYL_MODEL_CACHE_DIR: path.join(cacheDir, 'models'),
      ...extra,
    });
    replicas.push(started);
    return started;
  }

  /** One infer request on a connection of its own (the primary deals connections out to the workers). */
  async function infer(r: Replica): Promise<{ status: number; data: number[] }> {
    const port = await r.listening;
    const res = await fetch(`http://127.0.0.1:${port}/v2/models/${MODEL}/versions/1/infer`, {
      method: 'POST',
      headers: { authorization: `Bearer ${r.key}`, 'content-type': 'application/json', connection: 'close' },
      signal: AbortSignal.timeout(30_000),
      body: JSON.stringify({ inputs: [{ name: 'features', datatype: 'FP32', shape: [2, 8], data: rows.flat() }] }),
    });
    const body = (await res.json()) as { outputs?: { data: number[] }[] };
    return { status: res.status, data: body.outputs?.[0]?.data ?? [] };
  }

  it('serves from every worker on one port, the same answers', async () => {
    const r = replica({ SIBYL_SCORER_WORKERS: '2' });
    await r.listening;
    expect(r.stdout()).toMatch(/listening on port \d+ \(execution provider: cpu, 2 HTTP workers\)/);
    expect(childrenOf(r.child.pid!)).toHaveLength(2);
    const answers = await Promise.all(Array.from({ length: 12 }, () => infer(r)));
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
    for (const a of answers) expect(a.data).toEqual(answers[0]!.data);
    expect(answers[0]!.data).toHaveLength(4);
  });

  it('replaces a worker that dies, serving all the while, and drains every worker on SIGTERM', async () => {
    const r = replica({ SIBYL_SCORER_WORKERS: '2' });
    await r.listening;
    const [victim, survivor] = childrenOf(r.child.pid!);
    process.kill(victim!, 'SIGKILL');
    // Once the primary knows (a connection dealt to a worker in the instant it dies is lost with it).
    await pollUntil(() => /HTTP worker \d+ ended \(SIGKILL\); starting another/.test(r.stderr()), 'the log line');
    expect((await infer(r)).status).toBe(200);
    const replaced = await pollUntil(() => {
      const now = childrenOf(r.child.pid!);
      return now.length === 2 && !now.includes(victim!) ? now : undefined;
    }, 'a new worker');
    expect(replaced).toContain(survivor);
    expect((await infer(r)).status).toBe(200);

    r.child.kill('SIGTERM');
    expect(await r.exited).toBe(0);
    for (const pid of replaced) await pollUntil(() => !processAlive(pid), `worker ${pid} gone`);
  });

  it('leaves no worker behind when the primary is killed outright', async () => {
    const r = replica({ SIBYL_SCORER_WORKERS: '2' });
    await r.listening;
    const workers = childrenOf(r.child.pid!);
    expect(workers).toHaveLength(2);
    r.child.kill('SIGKILL');
    await r.exited;
    for (const pid of workers) await pollUntil(() => !processAlive(pid), `worker ${pid} gone`);
  });

  it('fails the replica, with the code of a worker that cannot start', async () => {
    // The port is taken: no worker can listen, so the replica must not say it does.
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const r = replica({ SIBYL_SCORER_WORKERS: '2', PORT: String((taken.address() as AddressInfo).port) });
      await expect(r.listening).rejects.toThrow(/exited with code 1/);
      expect(r.stderr()).toMatch(/EADDRINUSE/);
      expect(r.stdout()).not.toMatch(/listening on port/);
    } finally {
      taken.close();
    }
  });

  // Two CPUs to share out: the machine must have them.
  (availableParallelism() >= 2 ? it : it.skip)('gives a model cheaper than HTTP one worker per CPU', async () => {
    const r = replica({ SIBYL_SCORER_CPUS: '2' });
    await r.listening;
    expect(r.stdout()).toMatch(/2 HTTP workers\)/);
    expect(childrenOf(r.child.pid!)).toHaveLength(2);
    expect((await infer(r)).status).toBe(200);
  });

  it('keeps one worker for a model without SIBYL_SCORER_WORKERS where one CPU is all it may use', async () => {
    const r = replica({ SIBYL_SCORER_CPUS: '1' });
    await r.listening;
    expect(r.stdout()).toMatch(/1 HTTP worker\)/);
    expect(childrenOf(r.child.pid!)).toHaveLength(0);
    expect((await infer(r)).status).toBe(200);
  });
});
