/**
 * The Python interpreter a `python` replica runs its scoring script with: `SIBYL_PYTHON` (else
 * `python3` on the PATH) as it is when the environment lists no packages, else a virtual environment
 * made from it for the environment version (`environmentHash`) with its packages installed by pip,
 * kept under the cache folder and shared by every replica of that version (one builds it; the others
 * wait for it). In Azure the image built from the environment (Dockerfile) takes this role.
 */
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { PythonPackages } from '../../shared/compute/userRuntime';
import type { UserCodeSettings } from '../../shared/scorerConfig';
import { killOnExit, userEnv } from './userProcess';

/** The environment cannot be made: no interpreter, or pip failed (the message says which, pip's output last). */
export class PythonEnvironmentError extends Error {}

/** How the interpreter reports itself, e.g. "3.11". */
function versionOf(python: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(python, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], (error, stdout) => {
      if (!error) return resolve(stdout.trim());
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      reject(
        new PythonEnvironmentError(
          missing
            ? `No Python interpreter '${python}': set SIBYL_PYTHON to one, or put python3 on the PATH.`
            : `The Python interpreter '${python}' does not run: ${error.message}`,
        ),
      );
    });
  });
}

/**
 * The requirement lines pip installs: `pip`, and from a Conda file the `dependencies` → `pip:` list plus
 * the plain package specs (`numpy=1.26` read as `numpy==1.26.*`, a `channel::` prefix dropped).
 * Not honoured locally: `channels`, `python` itself (the interpreter is SIBYL_PYTHON's), and packages
 * that exist only on Conda (pip then fails naming them, which fails the deployment).
 */
export function requirementsOf(packages: PythonPackages): string[] {
  const lines = [...(packages.pip ?? [])];
  if (packages.conda) {
    const conda = parseYaml(packages.conda) as { dependencies?: unknown[] } | null;
    for (const dep of conda?.dependencies ?? []) {
      if (typeof dep === 'string') {
        const spec = dep.replace(/^[^:]+::/, '').trim();
        const name = /^[A-Za-z0-9._-]+/.exec(spec)?.[0]?.toLowerCase();
        if (!name || name === 'python' || name === 'pip') continue;
        const pin = /^([A-Za-z0-9._-]+)\s*=\s*([^=<>!\s]+)$/.exec(spec);
        lines.push(pin ? `${pin[1]}==${pin[2]}${pin[2]!.includes('*') ? '' : '.*'}` : spec);
      } else if (dep && typeof dep === 'object' && Array.isArray((dep as { pip?: unknown }).pip)) {
        for (const line of (dep as { pip: unknown[] }).pip) if (typeof line === 'string') lines.push(line);
      }
    }
  }
  return lines.map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

const READY_FILE = 'sibyl-environment.json';
const PIP_TAIL_LINES = 20;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Runs a command with its output to our stderr (the replica's log), resolving to that output's tail. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; tail: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    killOnExit(child);
    let tail = '';
    const keep = (chunk: Buffer) => {
      process.stderr.write(chunk);
      tail = (tail + chunk.toString()).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', (error) => resolve({ code: null, tail: error.message }));
    child.once('close', (code) => resolve({ code, tail }));
  });
}

/**
 * The interpreter to run the scoring script with. `cacheDir/venvs/<environmentHash>` is built once:
 * a lock folder names the builder's pid, others wait for `sibyl-environment.json`; a lock whose
 * builder died is taken over and the half-made environment rebuilt.
 */
export async function pythonFor(
  settings: UserCodeSettings,
  packages: PythonPackages | undefined,
  environmentHash: string,
  log: (line: string) => void,
): Promise<string> {
  const { python, cacheDir } = settings;
  const version = await versionOf(python);
  if (packages?.pythonVersion && packages.pythonVersion !== version)
    log(`The environment asks for Python ${packages.pythonVersion}; this host runs ${python} (Python ${version}).`);
  const requirements = packages ? requirementsOf(packages) : [];
  if (!requirements.length) return python;
  const root = join(cacheDir, 'venvs');
  const folder = join(root, environmentHash.replace(/[^A-Za-z0-9_-]/g, '_'));
  const interpreter = join(folder, process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python');
  const lock = `${folder}.lock`;
  await mkdir(root, { recursive: true });
  for (;;) {
    if (await exists(join(folder, READY_FILE))) {
      log(`Reusing the Python environment ${folder}.`);
      return interpreter;
    }
    try {
      await mkdir(lock);
    } catch {
      const owner = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => ''));
      if (owner && !alive(owner)) await rm(lock, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 250));
      continue;
    }
    try {
      await writeFile(join(lock, 'pid'), String(process.pid));
      await build(settings, folder, interpreter, requirements, log);
      return interpreter;
    } finally {
      await rm(lock, { recursive: true, force: true });
    }
  }
}

async function build(
  { python, inheritedEnv, proxyEnv }: UserCodeSettings,
  folder: string,
  interpreter: string,
  requirements: string[],
  log: (line: string) => void,
): Promise<void> {
  await rm(folder, { recursive: true, force: true });
  log(`Creating the Python environment ${folder} (${requirements.length} requirement lines).`);
  // pip runs the packages' own build scripts: user-chosen code gets the user processes' plain environment
  // (never the replica's key or storage connection string), plus the proxy settings a download may need.
  const env = userEnv(inheritedEnv, proxyEnv, { PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1' });
  const venv = await run(python, ['-m', 'venv', folder], env);
  if (venv.code !== 0) throw new PythonEnvironmentError(`python -m venv failed:\n${lastLines(venv.tail)}`);
  const file = join(folder, `requirements-${randomUUID()}.txt`);
  await writeFile(file, requirements.join('\n') + '\n');
  const pip = await run(interpreter, ['-m', 'pip', 'install', '-r', file], env);
  if (pip.code !== 0) {
    await rm(folder, { recursive: true, force: true });
    throw new PythonEnvironmentError(`pip could not install the environment's packages:\n${lastLines(pip.tail)}`);
  }
  await writeFile(join(folder, READY_FILE), JSON.stringify({ requirements, builtAt: new Date().toISOString() }));
}

function lastLines(text: string): string {
  return text.trimEnd().split('\n').slice(-PIP_TAIL_LINES).join('\n');
}
