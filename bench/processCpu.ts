/**
 * CPU time a process has used (user + system), read from `/proc/<pid>/stat` on Linux. The benchmark
 * reports CPU per request next to requests/s because on a shared machine throughput moves with
 * everyone else's load while the work done per request does not.
 */
import * as fs from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ; Linux reports stat times in these units on every mainstream arch.

/** Milliseconds of CPU `pid` has used so far, or undefined where /proc is not available. */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
    return ((utime + stime) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
