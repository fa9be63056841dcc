/**
 * The demo as a user meets it: `npm start`'s program (built `scripts/startSibyl.js`) with its own
 * embedded Azurite and Cosmos in a fresh data dir deploys the horoscope model, and the curl line of
 * its banner scores it — before and after a restart on the same data dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort } from '../../../shared/net/freePort';
import { horoscopeModel } from '../../../scripts/onnx/horoscopeModel';
import { pollUntil } from '../../support/poll';
import { REPO_ROOT, tempDir } from '../../support/hostProcess';
import { ortRows, sameFloat32Rows } from './support/ortReference';

const START_SIBYL = path.join(REPO_ROOT, 'dist', 'scripts', 'startSibyl.js');

interface Started {
  child: ChildProcess;
  output: () => string;
  curl: string;
}

/** Starts `npm start`'s program and waits for the banner's curl line. */
async function startSibyl(dataDir: string, port: number): Promise<Started> {
  const child = spawn(process.execPath, [START_SIBYL], {
    cwd: REPO_ROOT,
    // Empty service settings: the host starts its own Azurite and Cosmos in the data dir, as on a laptop.
    // SIBYL_SHOW_KEYS: stdout is a pipe here, where the banner would otherwise mask the key in the curl line.
    env: {
      ...process.env,
      SIBYL_SHOW_KEYS: '1',
      SIBYL_PORT: String(port),
      SIBYL_DATA_DIR: dataDir,
      AzureWebJobsStorage: '',
      COSMOS_ENDPOINT: '',
      COSMOS_KEY: '',
      SIBYL_FUNCTION_KEY: '',
      SIBYL_MASTER_KEY: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    const curl = await pollUntil(
      () => {
        if (child.exitCode !== null) throw new Error(`npm start's program exited with ${child.exitCode}`);
        return /^\s*(curl -s .*)$/m.exec(output)?.[1];
      },
      'the banner with its curl line',
      90000,
      100,
    );
    return { child, output: () => output, curl };
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n--- output ---\n${output}`);
  }
}

/** Ctrl-C; resolves with the exit code once the process and its output pipes are closed. */
async function stop(child: ChildProcess): Promise<number | null> {
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  else if (child.stdout?.closed && child.stderr?.closed) return child.exitCode;
  return closed;
}

/**
 * Runs the banner's curl line in a shell, as a user would paste it. (stdin is not a pipe: one left
 * open by `execFile` keeps Jest's worker from exiting cleanly.)
 */
async function runCurl(line: string): Promise<unknown> {
  const shell = spawn('bash', ['-c', line], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  shell.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  shell.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => shell.once('close', resolve));
  if (code !== 0) throw new Error(`the curl line failed (${code}): ${stderr}`);
  return JSON.parse(stdout) as unknown;
}

describe('the horoscope demo (npm start)', () => {
  let running: Started | undefined;
  const dataDir = tempDir('demo');

  afterAll(async () => {
    if (running) await stop(running.child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("deploys on first start, scores from the banner's curl line, and again after a restart", async () => {
    const port = await freePort();
    const expected = (await ortRows(horoscopeModel(), { features: [[3, 14, 90, 5, 24, 5]] })).probabilities!;

    running = await startSibyl(dataDir, port);
    expect(running.curl).toContain(`http://127.0.0.1:${port}/api/endpoints/horoscope/score`);
    const first = await runCurl(running.curl);
    expect(sameFloat32Rows(first, expected)).toBe(true);
    expect((first as number[][])[0]!.every((p) => p > 0 && p < 1)).toBe(true);
    expect(await stop(running.child)).toBe(0);

    // Second start: the demo is found, not seeded again; the same key still works.
    running = await startSibyl(dataDir, port);
    expect(running.output()).not.toMatch(/could not be deployed/);
    expect(sameFloat32Rows(await runCurl(running.curl), expected)).toBe(true);
  }, 180_000);
});
