/** How a scorer replica plans its HTTP workers: its CPUs, and whether its model or HTTP bounds it. */
import { availableParallelism, totalmem } from 'node:os';
import { mlpModel } from '../../../scripts/onnx/mlpModel';
import { parseScorerConfig } from '../../../shared/scorerConfig';
import { ModelSession } from '../../../shared/scoring/modelSession';
import { cgroupCpuQuota, cpuBudget, memoryBudget } from '../../../scorer/replicaResources';
import {
  HTTP_CPU_US_PER_REQUEST,
  httpWorkerCount,
  intraOpThreadsPerWorker,
  modelCpuPerRow,
} from '../../../scorer/workerPlan';
import { listeningLine } from '../../../scorer/httpWorkers';

const files = (entries: Record<string, string>) => (p: string) => entries[p];
const config = (env: Record<string, string> = {}) =>
  parseScorerConfig({
    AzureWebJobsStorage: 'UseDevelopmentStorage=true',
    SIBYL_SCORER_KEY: 'k',
    SIBYL_SCORER_EXECUTION_PROVIDERS: 'cpu',
    ...env,
  });

describe('cpuBudget', () => {
  it.each([
    ['cgroup v2 quota of 1.5 CPUs', { '/sys/fs/cgroup/cpu.max': '150000 100000\n' }, 2],
    ['cgroup v2 without a quota', { '/sys/fs/cgroup/cpu.max': 'max 100000\n' }, undefined],
    [
      'cgroup v1 quota of 1 CPU',
      { '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '100000\n', '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n' },
      1,
    ],
    [
      'cgroup v1 without a quota',
      { '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1\n', '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n' },
      undefined,
    ],
    ['no cgroup files', {}, undefined],
    ['a quarter of a CPU', { '/sys/fs/cgroup/cpu.max': '25000 100000' }, 1],
  ])('reads %s', (_, entries, expected) => {
    expect(cgroupCpuQuota(files(entries))).toBe(expected);
  });

  it('is the cores, capped by the quota and by the size the local compute passes', () => {
    const cores = availableParallelism();
    expect(cpuBudget(undefined, files({}))).toBe(cores);
    expect(cpuBudget(undefined, files({ '/sys/fs/cgroup/cpu.max': '100000 100000' }))).toBe(1);
    expect(cpuBudget(0.5, files({}))).toBe(1);
    expect(cpuBudget(1000, files({}))).toBe(cores);
  });
});

describe('memoryBudget', () => {
  it.each([
    ['cgroup v2 limit', { '/sys/fs/cgroup/memory.max': `${2 * 1024 ** 3}\n` }, Math.min(2 * 1024 ** 3, totalmem())],
    ['cgroup v2 without a limit', { '/sys/fs/cgroup/memory.max': 'max\n' }, totalmem()],
    [
      'cgroup v1 limit',
      { '/sys/fs/cgroup/memory/memory.limit_in_bytes': `${1024 ** 3}` },
      Math.min(1024 ** 3, totalmem()),
    ],
    ['cgroup v1 without a limit', { '/sys/fs/cgroup/memory/memory.limit_in_bytes': '9223372036854771712' }, totalmem()],
    ['no cgroup files', {}, totalmem()],
  ])('reads %s', (_, entries, expected) => {
    expect(memoryBudget(files(entries))).toBe(expected);
  });
});

describe('httpWorkerCount', () => {
  const cheap = HTTP_CPU_US_PER_REQUEST / 10;
  const costly = HTTP_CPU_US_PER_REQUEST * 10;
  const MiB = 1024 ** 2;
  const GiB = 1024 * MiB;
  const plan = (cpus: number, cpuPerRow: number | undefined, modelBytes = MiB, memoryBytes = 8 * GiB) => ({
    cpus,
    cpuPerRow,
    modelBytes,
    memoryBytes,
  });
  it.each([
    ['a model cheaper than HTTP: one per CPU', {}, plan(4, cheap), 4],
    ['a model costlier than HTTP: one, with every CPU for ONNX Runtime', {}, plan(4, costly), 1],
    ['no one model to measure', {}, plan(4, undefined), 1],
    ['CUDA among the providers', { SIBYL_SCORER_EXECUTION_PROVIDERS: 'cuda,cpu' }, plan(4, cheap), 1],
    ['SIBYL_SCORER_WORKERS, whatever the model', { SIBYL_SCORER_WORKERS: '3' }, plan(4, costly), 3],
    ['one CPU', {}, plan(1, cheap), 1],
    ['a cheap model too large for a copy per CPU: what the memory holds', {}, plan(4, cheap, GiB, 4 * GiB), 1],
    ['a cheap model of 300 MiB in 2 GiB: two copies', {}, plan(4, cheap, 300 * MiB, 2 * GiB), 2],
  ])('%s', (_, env, inputs, expected) => {
    expect(httpWorkerCount(config(env), inputs)).toBe(expected);
  });

  it('refuses a worker count that is not a positive integer', () => {
    expect(() => config({ SIBYL_SCORER_WORKERS: '0' })).toThrow(/SIBYL_SCORER_WORKERS must be a positive integer/);
    expect(() => config({ SIBYL_SCORER_CPUS: 'many' })).toThrow(/SIBYL_SCORER_CPUS must be a positive number/);
  });

  it('shares the CPUs out between the workers for ONNX Runtime', () => {
    expect(intraOpThreadsPerWorker(8, 2)).toBe(4);
    expect(intraOpThreadsPerWorker(2, 2)).toBe(1);
    expect(intraOpThreadsPerWorker(2, 3)).toBe(1);
  });

  it('says how many workers listen', () => {
    expect(listeningLine(8080, 'cpu', 1)).toBe(
      'Sibyl scorer listening on port 8080 (execution provider: cpu, 1 HTTP worker)\n',
    );
    expect(listeningLine(8080, 'cpu', 2)).toMatch(/2 HTTP workers\)\n$/);
  });
});

describe('modelCpuPerRow', () => {
  it('measures a full batch of a small model, and more per row for a larger one', async () => {
    const small = await ModelSession.load(mlpModel({ inputs: 8, hidden: [8], outputs: 2, seed: 1 }));
    const large = await ModelSession.load(mlpModel({ inputs: 256, hidden: [1024, 1024], outputs: 4, seed: 1 }));
    try {
      const a = (await modelCpuPerRow(small, 64))!;
      const b = (await modelCpuPerRow(large, 64))!;
      expect(Number.isFinite(a) && a >= 0).toBe(true);
      expect(b).toBeGreaterThan(a);
    } finally {
      await small.release();
      await large.release();
    }
  });

  it('does not run a full batch of a model whose one row already costs a hundred times HTTP', async () => {
    const rowsSeen: number[] = [];
    const slow = {
      signature: { inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 2] }], outputs: [] },
      run: (feeds: { shape: number[] }[]) => {
        rowsSeen.push(feeds[0]!.shape[0]!);
        // Busy until the CPU clock has moved as a slow model's would (CPU time, not wall time: a loaded machine).
        const start = process.cpuUsage();
        const cost = 100 * HTTP_CPU_US_PER_REQUEST + 500;
        for (let used = process.cpuUsage(start); used.user + used.system < cost; used = process.cpuUsage(start));
        return Promise.resolve([]);
      },
    } as unknown as ModelSession;
    expect(await modelCpuPerRow(slow, 64)).toBeGreaterThanOrEqual(100 * HTTP_CPU_US_PER_REQUEST);
    expect(rowsSeen).toEqual([1, 1, 1]);
  });
});
