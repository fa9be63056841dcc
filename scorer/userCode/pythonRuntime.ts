/**
 * The `python` runtime: Sibyl's Azure ML runner (`scorer/python/azureml_runner.py`, standard library
 * only) hosts the scoring script in a child process on a free loopback port; this replica proxies
 * `/score` and `/batch` to it. The runner's answers (including its generic 500 for an exception in
 * `run()`) pass through as they are.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { freePort } from '../../shared/net/freePort';
import type { UserCodeSettings } from '../../shared/scorerConfig';
import { pythonFor } from './pythonEnvironment';
import type { BatchOutcome, MiniBatch, UserAnswer, UserCodeBackend } from './userCodeBackend';
import { probe, proxy, UserProcess, userEnv, waitReady } from './userProcess';

const RUNNER = 'azureml_runner.py';

/**
 * The runner's path. tsc does not copy .py files, so from `dist/scorer/userCode` it is found in the
 * source tree (`scorer/python`), which the scorer's Dockerfile copies beside `dist`.
 */
export function runnerPath(): string {
  const candidates = [
    path.resolve(__dirname, '..', 'python', RUNNER),
    path.resolve(__dirname, '..', '..', '..', 'scorer', 'python', RUNNER),
  ];
  const found = candidates.find((file) => existsSync(file));
  if (!found) throw new Error(`Sibyl's Python runner is missing (looked for ${candidates.join(', ')}).`);
  return found;
}

export interface PythonStart {
  settings: UserCodeSettings;
  /** The folder holding the code asset (the runner's working directory). */
  codeDir: string;
  scoringScript: string;
  /** The model's folder; a deployment without a model leaves AZUREML_MODEL_DIR unset. */
  modelDir: string | undefined;
}

export class PythonRuntime implements UserCodeBackend {
  private constructor(
    private readonly user: UserProcess,
    private readonly port: number,
  ) {}

  /** Makes the environment, starts the runner and waits until `init()` has returned. */
  static async start({ settings, codeDir, scoringScript, modelDir }: PythonStart): Promise<PythonRuntime> {
    const runtime = settings.runtime!;
    const log = (line: string) => process.stdout.write(`${line}\n`);
    const python = await pythonFor(settings, runtime.python, runtime.environmentHash, log);
    const port = await freePort();
    const env = userEnv(settings.inheritedEnv, runtime.variables, {
      PORT: String(port),
      ...(modelDir ? { AZUREML_MODEL_DIR: modelDir } : {}),
      AZUREML_ENTRY_SCRIPT: path.resolve(codeDir, scoringScript),
      PYTHONUNBUFFERED: '1',
      // No caret lines under traceback lines (3.11+): the compute reports a failed init() by the last
      // three lines of stderr, which are then the failing file and line, its code, and the exception.
      PYTHONNODEBUGRANGES: '1',
    });
    const user = new UserProcess(python, [runnerPath()], { cwd: codeDir, env });
    await waitReady(user, port, '/health', settings.startTimeoutMs);
    return new PythonRuntime(user, port);
  }

  releaseOutput(): Promise<void> {
    return this.user.releaseOutput();
  }

  get exited(): UserProcess['exited'] {
    return this.user.exited;
  }

  async ready(): Promise<boolean> {
    return this.user.alive && (await probe(this.port, '/health').catch(() => 0)) === 200;
  }

  score(body: Buffer, contentType: string | undefined, requestId: string): Promise<UserAnswer> {
    const headers: Record<string, string> = { 'x-request-id': requestId };
    if (contentType) headers['content-type'] = contentType;
    return proxy(this.port, 'POST', '/score', headers, body);
  }

  async batch(miniBatch: MiniBatch, requestId: string): Promise<BatchOutcome> {
    const body = Buffer.from(JSON.stringify(miniBatch));
    const answer = await proxy(
      this.port,
      'POST',
      '/batch',
      { 'content-type': 'application/json', 'x-request-id': requestId },
      body,
    );
    if (answer.status !== 200) return { failed: answer };
    return { results: (JSON.parse(answer.body.toString('utf8')) as { results: unknown }).results };
  }

  stop(): Promise<void> {
    return this.user.stop();
  }
}
