/**
 * Runs the Cosmos server in a child process that a test can kill with SIGKILL (a real crash: no
 * stop, no compaction, no lock release). The services' TypeScript is transpiled to a temp folder,
 * since the child runs plain Node.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';

const repoRoot = path.resolve(__dirname, '../../../..');
const servicesDir = path.join(repoRoot, 'emulator/services');

export interface CrashableServer {
  endpoint: string;
  pid: number;
  /** SIGKILL, then wait for the process to be gone. */
  crash(): Promise<void>;
}

function transpileServices(outDir: string): void {
  fs.mkdirSync(path.join(outDir, 'services'), { recursive: true });
  for (const file of fs.readdirSync(servicesDir)) {
    if (!file.endsWith('.ts') || file.endsWith('.d.ts')) continue;
    const source = fs.readFileSync(path.join(servicesDir, file), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    fs.writeFileSync(path.join(outDir, 'services', file.replace(/\.ts$/, '.js')), outputText);
  }
  fs.writeFileSync(
    path.join(outDir, 'main.js'),
    `require('./services/cosmosServer.js').startCosmosServer({ dataDir: process.argv[2] })
       .then((s) => process.stdout.write(JSON.stringify({ endpoint: s.endpoint }) + '\\n'))
       .catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });`,
  );
}

function waitForEndpoint(child: ChildProcess, deadlineMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(
      () => reject(new Error(`child server did not start in ${deadlineMs} ms: ${err}`)),
      deadlineMs,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { endpoint: string }).endpoint);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child server exited (${String(code)}) before starting: ${err}`));
    });
  });
}

/** Starts a persisted Cosmos server on `dataDir` in a child process. */
export async function startCrashableCosmosServer(dataDir: string): Promise<CrashableServer & { cleanup(): void }> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sibyl-crashable-'));
  transpileServices(outDir);
  const child = spawn(process.execPath, [path.join(outDir, 'main.js'), dataDir], {
    env: { ...process.env, NODE_PATH: path.join(repoRoot, 'node_modules') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let endpoint: string;
  try {
    endpoint = await waitForEndpoint(child, 15_000);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    fs.rmSync(outDir, { recursive: true, force: true });
    throw error;
  }
  return {
    endpoint,
    pid: child.pid ?? -1,
    async crash() {
      child.kill('SIGKILL');
      await exited;
    },
    cleanup() {
      fs.rmSync(outDir, { recursive: true, force: true });
    },
  };
}
