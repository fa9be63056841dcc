/** Starts one of `bench/servers/*` as a child process and waits for the port it announces. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnNode, waitFor, type ChildHandle } from './childProcess';
import type { PortAnnouncement } from './servers/announcePort';

export interface ChildServer extends ChildHandle {
  baseUrl: string;
}

export async function startChildServer(
  script: 'fixedJsonServer' | 'plainOrtServer' | 'libraryFloorServer',
  args: string[],
  workDir: string,
  nodeFlags: string[] = [],
): Promise<ChildServer> {
  const logFile = path.join(workDir, `${script}-${Date.now()}.log`);
  const handle = spawnNode({
    args: [path.join(__dirname, 'servers', `${script}.js`), ...args],
    cwd: workDir,
    env: process.env,
    logFile,
    nodeFlags,
  });
  const port = await waitFor(handle, script, 120_000, () => {
    const first = fs.readFileSync(logFile, 'utf8').split('\n')[0] ?? '';
    if (!first.startsWith('{')) return Promise.resolve(undefined);
    return Promise.resolve((JSON.parse(first) as PortAnnouncement).port);
  });
  return { ...handle, baseUrl: `http://127.0.0.1:${port}` };
}
