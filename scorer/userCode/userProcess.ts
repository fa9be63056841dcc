/**
 * The user's process (the Python runner or a custom server) as the replica's child: started in its own
 * process group with only a plain environment (never the replica's key or storage connection string),
 * its output on the replica's stdout/stderr, and stopped with the replica. A replica that exits for any
 * reason kills the whole group on its way out; the Python runner also exits when its stdin pipe closes,
 * which covers a replica killed outright (SIGKILL).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import { OutputGate } from './outputGate';
import type { UserAnswer } from './userCodeBackend';

/**
 * The user process's environment: the basics it inherits from the replica's (`UserCodeSettings.inheritedEnv`),
 * the environment's `variables`, then Sibyl's own settings.
 */
export function userEnv(
  inherited: Readonly<Record<string, string>>,
  variables: Record<string, string>,
  own: Record<string, string>,
): NodeJS.ProcessEnv {
  return { ...inherited, ...variables, ...own };
}

const STOP_GRACE_MS = 5_000;
const running = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

// Whatever ends the replica (SIGTERM, its host's pipe closing, a crash) ends the user's processes too.
process.on('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

/** A child started `detached` (its own process group) that must not outlive the replica. */
export function killOnExit(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
}

export class UserProcess {
  readonly #child: ChildProcess;
  readonly #exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #stdout: OutputGate;

  constructor(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
    this.#child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      // stdin: a pipe the Python runner watches (a custom server ignores it); stdout: gated (outputGate.ts).
      stdio: ['pipe', 'pipe', 'inherit'],
      detached: true,
    });
    killOnExit(this.#child);
    this.#child.stdin!.on('error', () => undefined);
    this.#stdout = new OutputGate(this.#child.stdout!, process.stdout);
    this.#exited = new Promise((resolve) => {
      this.#child.once('error', (error) => {
        process.stderr.write(`Could not start '${command}': ${error.message}\n`);
        resolve({ code: null, signal: null });
      });
      this.#child.once('exit', (code, signal) => {
        resolve({ code, signal });
      });
    });
  }

  get alive(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null && this.#child.pid !== undefined;
  }

  /** Resolves when the process has exited (or could not start: code null). */
  get exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.#exited;
  }

  /** Its stdout goes to the replica's once the replica has said it listens (held until then). */
  releaseOutput(): Promise<void> {
    return this.#stdout.release();
  }

  /** SIGTERM to its process group, SIGKILL after a grace period; resolves once it is gone. */
  async stop(): Promise<void> {
    if (!this.alive) return;
    killGroup(this.#child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(this.#child, 'SIGKILL'), STOP_GRACE_MS);
    await this.#exited;
    clearTimeout(timer);
  }
}

/**
 * Polls `GET path` on the user's port until it answers 2xx. Rejects when the process exits first (with
 * its exit code) or the deadline passes.
 */
export async function waitReady(user: UserProcess, port: number, path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: { code: number | null } | undefined;
  void user.exited.then((e) => (exited = e));
  for (;;) {
    if (exited) {
      // What it printed before it ended belongs in the log.
      await user.releaseOutput();
      throw new UserProcessExit(exited.code);
    }
    const status = await probe(port, path).catch(() => 0);
    if (status >= 200 && status < 300) return;
    if (Date.now() > deadline)
      throw new Error(
        `The user's server did not answer 2xx on ${path} within ${timeoutMs} ms (last status ${status}).`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The user's code cannot serve: starting it again would not help. */
export class UserCodeFault extends Error {}

/** The user's process ended before it was ready. */
export class UserProcessExit extends UserCodeFault {
  constructor(readonly code: number | null) {
    super(
      `The user's process exited ${code === null ? 'or could not start' : `with code ${code}`} before it was ready.`,
    );
  }
}

/** The status of `GET path` on the user's port (a short timeout: a probe, not a request). */
export function probe(port: number, path: string, timeoutMs = 2_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

/** One request to the user's server; its answer as it came (status, content headers, bytes). */
export function proxy(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer,
): Promise<UserAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path, headers: { ...headers, 'content-length': body.length }, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const out: Record<string, string> = {};
          for (const name of ['content-type', 'inference-header-content-length', 'retry-after']) {
            const value = res.headers[name];
            if (typeof value === 'string') out[name] = value;
          }
          resolve({ status: res.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
