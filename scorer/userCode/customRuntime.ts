/**
 * The `custom` runtime locally: the environment's `command`, started in the code asset's folder (or an
 * empty one) with `PORT` a free loopback port and `AZUREML_MODEL_DIR`; ready once `routes.readiness`
 * answers 2xx. The score route goes to `routes.scoring` with the raw body; with `protocol: "oip"` the
 * Open Inference Protocol routes are forwarded unchanged. Answers pass through as they come.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CustomServer } from '../../shared/compute/userRuntime';
import { SibylError } from '../../shared/errors';
import type { UserCodeSettings } from '../../shared/scorerConfig';
import type { UserAnswer, UserCodeBackend } from './userCodeBackend';
import { freePort, probe, proxy, UserProcess, userEnv, waitReady } from './userProcess';

export interface CustomStart {
  settings: UserCodeSettings;
  codeDir: string | undefined;
  modelDir: string | undefined;
}

export class CustomRuntime implements UserCodeBackend {
  readonly forward: UserCodeBackend['forward'];

  private constructor(
    private readonly user: UserProcess,
    private readonly port: number,
    private readonly server: CustomServer,
  ) {
    if (server.protocol === 'oip')
      this.forward = (method, path, headers, body) => proxy(this.port, method, path, headers, body);
  }

  static async start({ settings, codeDir, modelDir }: CustomStart): Promise<CustomRuntime> {
    const runtime = settings.runtime!;
    const server = runtime.custom;
    const [command, ...args] = server?.command ?? [];
    if (!server || !command)
      throw new SibylError(
        'InvalidInput',
        "A custom environment runs locally only with a 'command' (an argv array) to start its server.",
      );
    const port = await freePort();
    const env = userEnv(runtime.variables, {
      PORT: String(port),
      ...(modelDir ? { AZUREML_MODEL_DIR: modelDir } : {}),
    });
    const cwd = codeDir ?? (await mkdtemp(join(tmpdir(), 'sibyl-custom-')));
    const user = new UserProcess(command, args, { cwd, env });
    await waitReady(user, port, server.routes.readiness, settings.startTimeoutMs);
    return new CustomRuntime(user, port, server);
  }

  releaseOutput(): Promise<void> {
    return this.user.releaseOutput();
  }

  get exited(): UserProcess['exited'] {
    return this.user.exited;
  }

  async ready(): Promise<boolean> {
    if (!this.user.alive) return false;
    const status = await probe(this.port, this.server.routes.readiness).catch(() => 0);
    return status >= 200 && status < 300;
  }

  score(body: Buffer, contentType: string | undefined, requestId: string): Promise<UserAnswer> {
    const headers: Record<string, string> = { 'x-request-id': requestId };
    if (contentType) headers['content-type'] = contentType;
    return proxy(this.port, 'POST', this.server.routes.scoring, headers, body);
  }

  stop(): Promise<void> {
    return this.user.stop();
  }
}
