import { execFileSync } from 'node:child_process';

/**
 * Pids of the scorer replicas of one app (`endpoint/deployment`, or a prefix of it) that this host started.
 * Scoped by parent pid: two suites may run at once, each with its own host and the same deployment names.
 */
export function replicaPids(app: string, hostPid: number): number[] {
  const table = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' });
  return table
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, ppid, ...args]) => Number(ppid) === hostPid && args.join(' ').includes(`sibyl-scorer ${app}`))
    .map(([pid]) => Number(pid))
    .filter((pid) => Number.isInteger(pid) && pid > 0);
}

/** Whether a process is still there (a zombie counts as gone). */
export function processAlive(pid: number): boolean {
  try {
    const state = execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    return state !== '' && !state.startsWith('Z');
  } catch {
    return false;
  }
}
