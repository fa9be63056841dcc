/**
 * The `custom` runtime locally: the environment's `command`, started in the code asset's folder (or an
 * empty one) with `PORT` a free loopback port and `AZUREML_MODEL_DIR`; ready once `routes.readiness`
 * answers 2xx. The score route goes to `routes.scoring` with the raw body; with `protocol: "oip"` the
 * Open Inference Protocol routes are forwarded unchanged. Answers pass through as they come.
 *
 * In Azure the server is the environment's `image`, already running beside the scorer in the same
 * replica (shared/compute/azure/scorerAppSidecar.ts): the sidecar mode starts nothing, answers ready
 * while the server's readiness route answers 2xx on 127.0.0.1:port, and forwards the same way.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CustomServer } from '../../shared/compute/userRuntime';
import { SibylError } from '../../shared/errors';
import { freePort } from '../../shared/net/freePort';
import type { UserCodeSettings } from '../../shared/scorerConfig';
import { jsonAnswer, type UserAnswer, type UserCodeBackend } from './userCodeBackend';
import { probe, proxy, UserProcess, userEnv, waitReady } from './userProcess';

export interface CustomStart {
  settings: UserCodeSettings;
  codeDir: string | undefined;
  modelDir: string | undefined;
}

export class CustomRuntime implements UserCodeBackend {
  readonly forward: UserCodeBackend['forward'];

  /** Whether the sidecar's readiness was logged (the deployment's log says when it began to serve). */
  private readyLogged = false;

  /** `user` is the process it started; none in sidecar mode. */
  private constructor(
    private readonly user: UserProcess | undefined,
    private readonly port: number,
    private readonly server: CustomServer,
  ) {
    if (server.protocol === 'oip')
      this.forward = (method, path, headers, body) => this.send(method, path, headers, body);
  }

  /**
   * Sidecar mode: the server runs in its own container and answers on 127.0.0.1:port. The scorer
   * listens at once (Container Apps probes it); readiness follows the server's readiness route.
   */
  static beside(settings: UserCodeSettings): CustomRuntime {
    const server = settings.runtime?.custom;
    if (!server) throw new SibylError('InvalidInput', "A custom environment needs its server's 'port' and 'routes'.");
    return new CustomRuntime(undefined, server.port, server);
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
    const env = userEnv(settings.inheritedEnv, runtime.variables, {
      PORT: String(port),
      ...(modelDir ? { AZUREML_MODEL_DIR: modelDir } : {}),
    });
    const cwd = codeDir ?? (await mkdtemp(join(tmpdir(), 'sibyl-custom-')));
    const user = new UserProcess(command, args, { cwd, env });
    await waitReady(user, port, server.routes.readiness, settings.startTimeoutMs);
    return new CustomRuntime(user, port, server);
  }

  releaseOutput(): Promise<void> {
    return this.user?.releaseOutput() ?? Promise.resolve();
  }

  get exited(): UserProcess['exited'] | undefined {
    return this.user?.exited;
  }

  async ready(): Promise<boolean> {
    if (this.user && !this.user.alive) return false;
    const status = await probe(this.port, this.server.routes.readiness).catch(() => 0);
    const ready = status >= 200 && status < 300;
    if (ready && !this.user && !this.readyLogged) {
      this.readyLogged = true;
      process.stdout.write(`The custom server beside the scorer is ready on port ${this.port}.\n`);
    }
    return ready;
  }

  score(body: Buffer, contentType: string | undefined, requestId: string): Promise<UserAnswer> {
    const headers: Record<string, string> = { 'x-request-id': requestId };
    if (contentType) headers['content-type'] = contentType;
    return this.send('POST', this.server.routes.scoring, headers, body);
  }

  /**
   * A sidecar that does not answer (still starting, or restarting after a crash) is a 503 the caller may
   * retry; a started command that dies takes the replica down instead (runUserCode.ts).
   */
  private async send(method: string, path: string, headers: Record<string, string>, body: Buffer) {
    try {
      return await proxy(this.port, method, path, headers, body);
    } catch (error) {
      if (this.user) throw error;
      const message = `The custom server beside the scorer does not answer on port ${this.port} yet; retry later.`;
      return jsonAnswer(503, { error: { code: 'ServiceUnavailable', message } }, { 'retry-after': '5' });
    }
  }

  stop(): Promise<void> {
    return this.user?.stop() ?? Promise.resolve();
  }
}
