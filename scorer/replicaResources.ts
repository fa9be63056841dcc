/**
 * How many CPUs, and how much memory, this process may really use: the machine's, capped by its
 * container's limits. A Container Apps replica of 1 vCPU / 2 GiB runs on a host with many cores and
 * much memory; only its cgroup (`cpu.max` and `memory.max` in cgroup v2, `cpu.cfs_quota_us` /
 * `cpu.cfs_period_us` and `memory.limit_in_bytes` in v1) says what it gets.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';

/** Reads a small file, or undefined when it is not there (not in a container, another cgroup version). */
type ReadText = (path: string) => string | undefined;

const readText: ReadText = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** CPUs the quota allows, rounded up (1.5 vCPU keeps two cores partly busy); undefined without a quota. */
export function cgroupCpuQuota(read: ReadText = readText): number | undefined {
  const v2 = read('/sys/fs/cgroup/cpu.max')?.trim().split(/\s+/);
  const [quota, period] = v2 ?? [
    read('/sys/fs/cgroup/cpu/cpu.cfs_quota_us')?.trim(),
    read('/sys/fs/cgroup/cpu/cpu.cfs_period_us')?.trim(),
  ];
  const q = Number(quota);
  const p = Number(period);
  // "max" (v2) or -1 (v1): no quota.
  if (!(q > 0 && p > 0)) return undefined;
  return Math.max(1, Math.ceil(q / p));
}

/**
 * The CPUs to plan for. `limit`: the replica's size where nothing enforces it (`SIBYL_SCORER_CPUS`, set
 * by the local compute provider, whose replicas share the machine).
 */
export function cpuBudget(limit?: number, read: ReadText = readText): number {
  const cores = availableParallelism();
  const quota = cgroupCpuQuota(read) ?? cores;
  return Math.max(1, Math.min(cores, quota, limit === undefined ? cores : Math.ceil(limit)));
}

/** Bytes of memory the container may use: its cgroup limit, else the machine's. */
export function memoryBudget(read: ReadText = readText): number {
  const raw = read('/sys/fs/cgroup/memory.max') ?? read('/sys/fs/cgroup/memory/memory.limit_in_bytes');
  const limit = Number(raw?.trim());
  // "max" (v2), or v1's "no limit" (a number near 2^63): the machine's memory bounds it.
  return Number.isFinite(limit) && limit > 0 ? Math.min(limit, totalmem()) : totalmem();
}
