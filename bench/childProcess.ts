/**
 * The benchmark's servers run as child processes, one per case, so none shares an event loop with
 * the load generator. Their output goes to a log file (no pipe for this process to drain while it
 * measures); `stop()` sends SIGINT, then SIGKILL after a grace period.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';

export interface ChildHandle {
  child: ChildProcess;
  logFile: string;
  /** The last `bytes` of the child's output, for error messages. */
  tail(bytes?: number): string;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  logFile: string;
  /** Extra `node` flags, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export function spawnNode(options: SpawnOptions): ChildHandle {
  const fd = fs.openSync(options.logFile, 'w');
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), ...options.args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', fd, fd],
  });
  fs.closeSync(fd);
  const tail = (bytes = 4000) => {
    try {
      const text = fs.readFileSync(options.logFile, 'utf8');
      return text.slice(-bytes);
    } catch {
      return '';
    }
  };
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGINT');
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited(child);
    clearTimeout(killer);
  };
  return { child, logFile: options.logFile, tail, stop };
}

/** Polls `check` until it returns a value, the child exits, or `timeoutMs` passes. */
export async function waitFor<T>(
  handle: ChildHandle,
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (handle.child.exitCode !== null || handle.child.signalCode !== null) {
      throw new Error(
        `${what}: the process exited (${handle.child.exitCode ?? handle.child.signalCode}).\n${handle.tail()}`,
      );
    }
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      await handle.stop();
      throw new Error(`${what}: not ready after ${timeoutMs} ms.\n${handle.tail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
