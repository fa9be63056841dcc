/**
 * The start case (issue 17): `npm start` (scripts/start.mjs) to ready on an installed checkout with no
 * source change. One start first brings the build stamps up to date (it may rebuild: `npm run bench`
 * builds without them), then the measured start: from spawning `node scripts/start.mjs` to the host's
 * "Ready in" line. Each start gets a free port and a fresh data folder, and no demo.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort } from '../shared/net/freePort';
import { REPO_ROOT } from './emulatorHost';

export interface StartBenchResult {
  /** The unmeasured first start (build stamps brought up to date), seconds to ready. */
  firstSeconds: number;
  /** `npm start` to ready with nothing changed, seconds. */
  seconds: number;
}

const READY = /Ready in \d+ ms/;

async function startOnce(workDir: string, label: string, deadlineMs: number): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts', 'start.mjs')], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      SIBYL_PORT: String(port),
      SIBYL_DATA_DIR: path.join(workDir, `start-${label}-data`),
      SIBYL_DEMO: 'false',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const logFile = path.join(workDir, `start-${label}.log`);
  let output = '';
  try {
    return await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start not ready in ${deadlineMs} ms`)), deadlineMs);
      const seen = (chunk: Buffer) => {
        output += chunk.toString();
        if (READY.test(output)) {
          clearTimeout(timer);
          resolve((performance.now() - started) / 1000);
        }
      };
      child.stdout.on('data', seen);
      child.stderr.on('data', seen);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`npm start exited (${code}) before it was ready: ${output.slice(-2000)}`));
      });
    });
  } finally {
    child.removeAllListeners('exit');
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(kill);
    fs.writeFileSync(logFile, output);
  }
}

export async function runStartBench(workDir: string): Promise<StartBenchResult> {
  const firstSeconds = await startOnce(workDir, 'first', 600_000);
  const seconds = await startOnce(workDir, 'measured', 120_000);
  return { firstSeconds, seconds };
}

export function renderStartBench(r: StartBenchResult): string[] {
  return [
    `npm start to ready, no source change: ${r.seconds.toFixed(1)} s ` +
      `(target < 5 s) ${r.seconds < 5 ? 'PASS' : 'MISS'}` +
      ` (the start before it, which brought the build stamps up to date: ${r.firstSeconds.toFixed(1)} s)`,
  ];
}
