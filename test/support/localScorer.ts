/**
 * Runs one `scorer/` process on CPU outside any deployment, for tests that talk to the scorer itself
 * (the app's own deployments get replicas from the local compute provider instead).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { freePort } from '../../shared/net/freePort';

export interface LocalScorer {
  url: string;
  key: string;
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

const MAIN = path.resolve(__dirname, '..', '..', 'dist', 'scorer', 'main.js');

/** The environment of a scorer on CPU at `port` with `key`, loading models from `storageConnectionString`. */
export function localScorerEnv(port: number, key: string, storageConnectionString: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PORT: String(port),
    SIBYL_SCORER_HOST: '127.0.0.1',
    SIBYL_SCORER_KEY: key,
    SIBYL_SCORER_EXECUTION_PROVIDERS: 'cpu',
    AzureWebJobsStorage: storageConnectionString,
  };
}

/** `storageConnectionString`: where the registry's `models` container lives (Azurite locally). */
export async function startLocalScorer(
  storageConnectionString: string,
  options: { port?: number; key?: string; mainFile?: string } = {},
): Promise<LocalScorer> {
  const port = options.port ?? (await freePort());
  const key = options.key ?? randomBytes(24).toString('base64url');
  const child = spawn(process.execPath, [options.mainFile ?? MAIN], {
    env: localScorerEnv(port, key, storageConnectionString),
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The local scorer exited with code ${child.exitCode}.`);
    try {
      if ((await fetch(`${url}/v2/health/live`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('The local scorer did not start within 30 s.');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    key,
    port,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
