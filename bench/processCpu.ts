/**
 * CPU time a process and its descendants have used (user + system), read from `/proc` on Linux. The
 * benchmark reports CPU per request next to requests/s because on a shared machine throughput moves
 * with everyone else's load while the work done per request does not. Descendants count: a server that
 * serves from worker processes (the scorer's HTTP workers) spends its CPU there.
 */
import * as fs from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ; Linux reports stat times in these units on every mainstream arch.

interface ProcStat {
  ppid: number;
  /** utime + stime, in ticks. */
  ticks: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(fields[1]);
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? { ppid, ticks } : undefined;
  } catch {
    return undefined;
  }
}

/** Milliseconds of CPU `pid` and the processes under it have used so far, or undefined where /proc is not available. */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  const root = readStat(pid);
  if (!root) return undefined;
  const children = new Map<number, number[]>();
  const stats = new Map<number, ProcStat>();
  for (const entry of fs.readdirSync('/proc')) {
    const other = Number(entry);
    if (!Number.isInteger(other) || other === pid) continue;
    const stat = readStat(other);
    if (!stat) continue;
    stats.set(other, stat);
    children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), other]);
  }
  let ticks = root.ticks;
  const queue = [...(children.get(pid) ?? [])];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    ticks += stats.get(next)!.ticks;
    queue.push(...(children.get(next) ?? []));
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}
