/**
 * Runs the local Functions host (`dist/emulator/start.js`) over an app folder as a child process,
 * with its embedded Azurite and Cosmos server and fresh keys, and waits until it serves.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort } from '../shared/net/freePort';
import { spawnNode, waitFor, type ChildHandle } from './childProcess';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface EmulatorHost extends ChildHandle {
  baseUrl: string;
  functionKey: string;
}

export interface EmulatorOptions {
  appDir: string;
  /** Scratch folder: the host's data dir and log file go under it. */
  workDir: string;
  label: string;
  nodeFlags?: string[];
  env?: Record<string, string>;
}

export async function startEmulator(options: EmulatorOptions): Promise<EmulatorHost> {
  const port = await freePort();
  const functionKey = randomBytes(16).toString('hex');
  const masterKey = randomBytes(16).toString('hex');
  const dataDir = path.join(options.workDir, `${options.label}-data`);
  fs.mkdirSync(dataDir, { recursive: true });
  const handle = spawnNode({
    args: [path.join(REPO_ROOT, 'dist', 'emulator', 'start.js'), options.appDir],
    cwd: options.appDir,
    env: {
      ...process.env,
      AzureWebJobsStorage: '',
      COSMOS_ENDPOINT: '',
      COSMOS_KEY: '',
      SIBYL_PORT: String(port),
      SIBYL_DATA_DIR: dataDir,
      SIBYL_FUNCTION_KEY: functionKey,
      SIBYL_MASTER_KEY: masterKey,
      ...options.env,
    },
    logFile: path.join(options.workDir, `${options.label}.log`),
    nodeFlags: options.nodeFlags,
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitFor(handle, `the ${options.label} host`, 180_000, async () => {
    const res = await fetch(`${baseUrl}/admin/host/status`, { headers: { 'x-functions-key': masterKey } });
    await res.arrayBuffer();
    return res.status === 200 ? true : undefined;
  });
  return { ...handle, baseUrl, functionKey };
}
