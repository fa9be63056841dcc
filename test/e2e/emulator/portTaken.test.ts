/**
 * A taken port stops `npm start` (and the host itself) before anything starts: one line naming the port
 * and SIBYL_PORT, a non-zero exit, no services, no build.
 */
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { REPO_ROOT, tempDir } from '../../support/hostProcess';

function run(script: string, port: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        SIBYL_PORT: String(port),
        SIBYL_DATA_DIR: tempDir('port'),
        AzureWebJobsStorage: '',
        COSMOS_ENDPOINT: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('a taken port', () => {
  let blocker: net.Server;
  let port: number;

  beforeAll(async () => {
    blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    port = (blocker.address() as net.AddressInfo).port;
  });

  afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  it.each([
    ['npm start (scripts/start.mjs)', path.join(REPO_ROOT, 'scripts', 'start.mjs')],
    ['the host (dist/emulator/start.js)', path.join(REPO_ROOT, 'dist', 'emulator', 'start.js')],
  ])('%s stops with one line naming the port and SIBYL_PORT', async (_what, script) => {
    const { code, stdout, stderr } = await run(script, port);
    expect(code).not.toBe(0);
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`Port ${port} is already in use.*SIBYL_PORT`)),
    ]);
    // Nothing started: no install or build, no Azurite or Cosmos.
    expect(stdout).toBe('');
  });
});
