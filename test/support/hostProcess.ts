/**
 * Runs the emulator (`dist/emulator/start.js`, so `npm test` builds first) as a child process
 * over an app directory, the way `npm start` does, and drives it over HTTP.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '../../shared/net/freePort';
import { pollUntil } from './poll';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
const START = path.join(REPO_ROOT, 'dist', 'emulator', 'start.js');

export interface HostOptions {
  appDir: string;
  /** Reuse a data dir to test restarts; a fresh temp dir otherwise. */
  dataDir?: string;
  /** Start the emulator's own Azurite and Cosmos (default: use the test run's shared ones). */
  embedded?: boolean;
  env?: Record<string, string>;
  port?: number;
  functionKey?: string;
  masterKey?: string;
  /** Slow down batch mini-batches (test/support/slowMiniBatches.cjs) so a test can act while one is in flight. */
  slowMiniBatches?: SlowMiniBatches;
}

/** Every mini-batch `everyMs` longer, and/or the first try of mini-batch `once.index` of each job `once.ms` longer. */
export interface SlowMiniBatches {
  everyMs?: number;
  once?: { index: number; ms: number };
}

const SLOW_MINI_BATCHES = path.join(REPO_ROOT, 'test', 'support', 'slowMiniBatches.cjs');

export interface HostProcess {
  baseUrl: string;
  port: number;
  dataDir: string;
  functionKey: string;
  masterKey: string;
  child: ChildProcess;
  output(): string;
  /** Ctrl-C: graceful stop; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** Simulates a crash (SIGKILL). */
  kill(): Promise<void>;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `sibyl-${prefix}-`));
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

export async function startHost(options: HostOptions): Promise<HostProcess> {
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir ?? tempDir('data');
  const functionKey = options.functionKey ?? randomBytes(16).toString('hex');
  const masterKey = options.masterKey ?? randomBytes(16).toString('hex');
  const shared: Record<string, string> = options.embedded
    ? { AzureWebJobsStorage: '', COSMOS_ENDPOINT: '', COSMOS_KEY: '' }
    : {
        AzureWebJobsStorage: process.env.SIBYL_TEST_STORAGE_CONNECTION_STRING ?? '',
        COSMOS_ENDPOINT: process.env.SIBYL_TEST_COSMOS_ENDPOINT ?? '',
        COSMOS_KEY: process.env.SIBYL_TEST_COSMOS_KEY ?? '',
      };
  const slow = options.slowMiniBatches;
  const preload = slow ? ['--require', SLOW_MINI_BATCHES] : [];
  const slowSettings = slow
    ? { TEST_SLOW_MINI_BATCHES: JSON.stringify({ ...slow, stateDir: path.join(dataDir, 'slow-mini-batches') }) }
    : {};
  const child = spawn(process.execPath, [...preload, START], {
    cwd: options.appDir,
    env: {
      ...process.env,
      ...shared,
      SIBYL_PORT: String(port),
      SIBYL_DATA_DIR: dataDir,
      SIBYL_FUNCTION_KEY: functionKey,
      SIBYL_MASTER_KEY: masterKey,
      SIBYL_BLOB_POLL_MS: '200',
      // Sibyl's Event Grid subscription, as `sibyl azure deploy` filters it: only the watched container.
      ...(options.appDir === REPO_ROOT
        ? { SIBYL_BLOB_EVENTS: `scheduleBlobTrigger=${options.env?.SIBYL_SCHEDULER_CONTAINER ?? 'workspaceblobstore'}` }
        : {}),
      ...slowSettings,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const host: HostProcess = {
    baseUrl,
    port,
    dataDir,
    functionKey,
    masterKey,
    child,
    output: () => output,
    stop: async () => {
      child.kill('SIGINT');
      return pollUntil(
        () => (child.exitCode !== null || child.signalCode !== null ? exited(child) : undefined),
        'the host to exit',
        30000,
      );
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited(child);
    },
  };
  try {
    await pollUntil(
      async () => {
        if (child.exitCode !== null) throw new Error(`the host exited with ${child.exitCode}`);
        const res = await fetch(`${baseUrl}/admin/host/status`, { headers: { 'x-functions-key': masterKey } });
        return res.status === 200;
      },
      'the host to start',
      90000,
      100,
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n--- host output ---\n${output}`);
  }
  return host;
}
