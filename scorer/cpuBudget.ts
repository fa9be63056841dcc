/**
 * How many CPUs this process may really use: the cores it may run on, capped by its container's CPU
 * quota. A Container Apps replica of 1 vCPU runs on a host with many cores; only the cgroup's quota
 * (`cpu.max` in cgroup v2, `cpu.cfs_quota_us` / `cpu.cfs_period_us` in v1) says it gets one.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

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
