/**
 * Azurite in a child process of its own, for the cases whose servers reach storage over loopback
 * (the batch job and its baseline, the scorer loading its models), so no server gets a free core.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from './emulatorHost';

export interface AzuriteChild {
  child: ChildProcess;
  connectionString: string;
  stop(): void;
}

export async function startAzuriteChild(): Promise<AzuriteChild> {
  const azuriteModule = path.join(REPO_ROOT, 'dist', 'emulator', 'services', 'azurite.js');
  const script =
    `require(${JSON.stringify(azuriteModule)}).startAzurite({ inMemory: ` +
    `true }).then((h) => console.log(JSON.stringify({ cs: h.connectionString })));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const connectionString = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { cs: string }).cs);
    });
    child.once('exit', (code) => reject(new Error(`Azurite exited (${code})`)));
  });
  return { child, connectionString, stop: () => child.kill('SIGINT') };
}
