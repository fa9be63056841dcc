/**
 * Runs the `sibyl` CLI as a child process (`bin/sibyl.js` → `dist/cli/main.js`, so the build must have
 * run) with its own config folder, and captures exit code, stdout and stderr.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT, tempDir } from '../../support/hostProcess';

export const SIBYL_BIN = path.join(REPO_ROOT, 'bin', 'sibyl.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (throws with the output when it is not JSON). */
  json<T = unknown>(): T;
}

export interface CliOptions {
  /** Extra environment (SIBYL_* from the test process are removed first). */
  env?: Record<string, string>;
  /** Written to stdin, which is then closed. */
  input?: string;
  cwd?: string;
  timeoutMs?: number;
}

/** A CLI runner bound to one config folder (its own profiles), like one user's machine. */
export function cliUser(extraEnv: Record<string, string> = {}): {
  configHome: string;
  run: (args: readonly string[], options?: CliOptions) => Promise<CliResult>;
} {
  const configHome = tempDir('cli-config');
  return {
    configHome,
    run: (args, options = {}) =>
      runCli(args, { ...options, env: { XDG_CONFIG_HOME: configHome, ...extraEnv, ...options.env } }),
  };
}

export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env))
    if (!/^(SIBYL_|AZURE_STORAGE_)/.test(name)) env[name] = value;
  Object.assign(env, { SIBYL_POLL_INTERVAL_MS: '200' }, options.env);
  const child = spawn(process.execPath, [SIBYL_BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(options.input ?? '');
  const timeoutMs = options.timeoutMs ?? 120000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `sibyl ${args.join(' ')} did not end within ${timeoutMs} ms\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`,
        ),
      );
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout,
        stderr,
        json<T>() {
          try {
            return JSON.parse(stdout) as T;
          } catch {
            throw new Error(
              `sibyl ${args.join(' ')} printed no JSON (exit ${code})\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`,
            );
          }
        },
      });
    });
  });
}

/** Describes a result for assertion messages. */
export function explain(result: CliResult): string {
  return `exit ${result.code}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`;
}

/** Returns the result when the exit code is `code`; otherwise fails with everything the CLI printed. */
export function expectExit(result: CliResult, code: number): CliResult {
  if (result.code !== code) throw new Error(`expected exit ${code}, got ${explain(result)}`);
  return result;
}

/** The arguments of a command line written as text: words split at single spaces (none may hold one). */
export function words(...parts: string[]): string[] {
  return parts.join(' ').split(' ');
}
