/**
 * One replica of a local scorer app: a child process titled `sibyl-scorer <endpoint>/<deployment>`
 * that listens on a port it picks and reports on stdout. It exits when its stdin pipe closes, so a
 * host that dies (even by SIGKILL) leaves no replica behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { ReplicaState, ReplicaStatus } from '../../shared/compute/computeTypes';
import { redactLine, secretValuesOf } from '../../shared/compute/logRedaction';
import { ReplicaLog } from './replicaLog';

export interface ReplicaLaunch {
  /** `<endpoint>/<deployment>`: the process title and the log prefix. */
  app: string;
  name: string;
  /** The program (a Node script) and its environment. */
  main: string;
  env: NodeJS.ProcessEnv;
  startTimeoutMs: number;
  onExit: (replica: Replica) => void;
}

const LISTENING = /listening on port (\d+)/;
const STOP_GRACE_MS = 10_000;

export class Replica {
  readonly name: string;
  readonly startedAt = new Date();
  state: ReplicaState = 'Starting';
  inFlight = 0;
  port = 0;
  /** Why it failed: the end of its stderr, or how it ended. */
  error: string | undefined;
  exitCode: number | null = null;
  /** Its console (stdout and stderr), redacted, for the deployment's logs. */
  readonly log: ReplicaLog;
  readonly #child: ChildProcess;
  readonly #secrets: string[];
  #stderrTail = '';
  readonly #exited: Promise<void>;
  readonly #drained: (() => void)[] = [];

  private constructor(readonly launch: ReplicaLaunch) {
    this.name = launch.name;
    this.#secrets = secretValuesOf(launch.env);
    this.log = new ReplicaLog(launch.name, this.#secrets, undefined, (line) => {
      if (line.stream === 'stderr') process.stderr.write(`${line.text}\n`);
    });
    // The title as an argument too: Linux shows a process title only within the argv space it started with.
    this.#child = spawn(process.execPath, [launch.main, `sibyl-scorer ${launch.app}`], {
      env: {
        ...launch.env,
        SIBYL_SCORER_TITLE: `sibyl-scorer ${launch.app}`,
        SIBYL_SCORER_PARENT_PIPE: '1',
        PORT: '0',
        SIBYL_SCORER_HOST: '127.0.0.1',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.#child.stdin!.on('error', () => undefined);
    // Decoded as UTF-8 streams, so a character split between chunks is not mangled.
    this.#child.stdout!.setEncoding('utf8');
    this.#child.stderr!.setEncoding('utf8');
    this.#child.stdout!.on('data', (chunk: string) => this.log.write('stdout', chunk));
    // 'close' (not 'exit') comes once the pipes are drained: the last words of a failed start are kept.
    this.#child.once('close', () => this.log.end());
    this.#child.stderr!.on('data', (chunk: string) => {
      this.log.write('stderr', chunk);
      this.#stderrTail = (this.#stderrTail + chunk.toString()).slice(-2000);
    });
    this.#exited = new Promise((resolve) => {
      this.#child.once('exit', (code, signal) => {
        this.exitCode = code;
        if (this.state !== 'Draining') {
          // The deployment's `error` quotes it: no secret of the replica's may go with it.
          this.error ??=
            redactLine(this.#stderrTail.trim().split('\n').slice(-3).join(' '), this.#secrets) ||
            `the replica exited (${signal ?? `code ${code}`})`;
          this.state = 'Failed';
        }
        for (const wake of this.#drained.splice(0)) wake();
        this.launch.onExit(this);
        resolve();
      });
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get ready(): boolean {
    return this.state === 'Ready';
  }

  get alive(): boolean {
    return this.state === 'Starting' || this.state === 'Ready';
  }

  /** Starts the process; resolves once it serves (its model loaded and warmed), rejects with why not. */
  static start(launch: ReplicaLaunch): { replica: Replica; ready: Promise<void> } {
    const replica = new Replica(launch);
    return { replica, ready: replica.#waitListening() };
  }

  #waitListening(): Promise<void> {
    return new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => {
        this.error = `the replica did not start within ${this.launch.startTimeoutMs} ms`;
        void this.kill();
        reject(new Error(this.error));
      }, this.launch.startTimeoutMs);
      const onData = (chunk: Buffer) => {
        out += chunk.toString();
        const match = LISTENING.exec(out);
        if (!match) return;
        this.#child.stdout!.off('data', onData);
        this.#child.stdout!.resume();
        clearTimeout(timer);
        this.port = Number(match[1]);
        if (this.state === 'Starting') this.state = 'Ready';
        resolve();
      };
      this.#child.stdout!.on('data', onData);
      void this.#exited.then(() => {
        clearTimeout(timer);
        reject(new Error(this.error ?? 'the replica exited'));
      });
    });
  }

  /** Counts a forwarded request; `done` when its answer is in. */
  begin(): void {
    this.inFlight++;
  }

  done(): void {
    this.inFlight--;
    if (this.inFlight === 0) for (const wake of this.#drained.splice(0)) wake();
  }

  /** Takes no new requests, waits for those in flight, then stops the process. */
  async drain(): Promise<void> {
    if (this.state === 'Failed') return this.#exited;
    this.state = 'Draining';
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.#drained.push(resolve));
    await this.stop();
  }

  /** SIGTERM, then SIGKILL if it is still there after the grace period. */
  async stop(): Promise<void> {
    if (this.state !== 'Failed') this.state = 'Draining';
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill('SIGTERM');
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), STOP_GRACE_MS);
      await this.#exited;
      clearTimeout(timer);
    }
    await this.#exited;
  }

  kill(): Promise<void> {
    this.#child.kill('SIGKILL');
    return this.#exited;
  }

  status(): ReplicaStatus {
    return { name: this.name, state: this.state, inFlight: this.inFlight, startedAt: this.startedAt.toISOString() };
  }
}
