/**
 * The scorer as a replica of user code (`SIBYL_SCORER_USER_RUNTIME` set): fetches the code asset and
 * the model's folder, starts the runtime (Python runner, Node module, custom server), then serves
 * (userCodeServer.ts). What the user's code cannot do is the model's fault, not the replica's: a failed
 * `init()`, import, install or start exits with MODEL_CANNOT_RUN_EXIT_CODE and the reason as the last
 * lines of stderr (the compute reports them as the deployment's error and does not retry).
 */
import { MODEL_CANNOT_RUN_EXIT_CODE } from '../../shared/compute/computeTypes';
import { SibylError } from '../../shared/errors';
import type { ScorerConfig } from '../../shared/scorerConfig';
import { ModelRunError } from '../../shared/scoring/modelSession';
import { createScorerAuthenticator } from '../scorerAuth';
import { ScorerModels } from '../scorerModels';
import { materialiseCode } from './codeAsset';
import { CustomRuntime } from './customRuntime';
import { NodeRuntime, UserInitError } from './nodeRuntime';
import { PythonEnvironmentError } from './pythonEnvironment';
import { PythonRuntime } from './pythonRuntime';
import { publishForSidecar } from './sidecarFiles';
import type { UserCodeBackend } from './userCodeBackend';
import { UserCodeServer } from './userCodeServer';
import { UserCodeFault, UserProcessExit, type UserProcess } from './userProcess';

type Started = UserCodeBackend & { releaseOutput?: () => Promise<void>; exited?: UserProcess['exited'] };

async function startBackend(config: ScorerConfig): Promise<Started> {
  const runtime = config.userCode.runtime!;
  const codeDir = runtime.code ? await materialiseCode(config, runtime.code.name, runtime.code.version) : undefined;
  const models = new ScorerModels(config);
  const model = config.model ? await models.folderOf(config.model.name, config.model.version) : undefined;
  const modelDir = model?.folder;
  if (runtime.runtime === 'custom' && config.userCode.sidecarDir) {
    await publishForSidecar(config.userCode.sidecarDir, { model: modelDir, code: codeDir });
    return CustomRuntime.beside(config.userCode);
  }
  if (runtime.runtime === 'custom') return CustomRuntime.start({ settings: config.userCode, codeDir, modelDir });
  if (!codeDir || !runtime.scoringScript)
    throw new SibylError('InvalidInput', `A '${runtime.runtime}' deployment needs a code asset and a scoring script.`);
  const scoringScript = runtime.scoringScript;
  if (runtime.runtime === 'python')
    return PythonRuntime.start({ settings: config.userCode, codeDir, scoringScript, modelDir });
  const modelFile = model && model.manifest.type !== 'custom' ? await models.modelFileOf(model.manifest) : undefined;
  return NodeRuntime.start({ config, codeDir, scoringScript, modelDir, modelFile });
}

/** Why the user's code cannot run, for the last lines of stderr; undefined when the replica itself failed. */
function userFault(error: unknown): string | undefined {
  if (error instanceof UserProcessExit) {
    // The Python runner has printed the traceback last already; a custom server's own output ends its story.
    return error.code === MODEL_CANNOT_RUN_EXIT_CODE ? '' : error.message;
  }
  if (error instanceof UserInitError) {
    const cause = error.reason;
    const frames = cause instanceof Error ? (cause.stack ?? '').split('\n').slice(1) : [];
    return ['The scoring module failed to load or init() raised an exception:', ...frames, error.message].join('\n');
  }
  if (error instanceof PythonEnvironmentError || error instanceof UserCodeFault) return error.message;
  if (error instanceof ModelRunError || (error instanceof SibylError && error.status < 500)) return error.message;
  return undefined;
}

export async function runUserCode(config: ScorerConfig): Promise<void> {
  const serving: { server?: UserCodeServer } = {};
  let stopping = false;
  // Registered before anything starts: a SIGTERM during an install or init() still exits through
  // process.exit, whose handler (userProcess.ts) takes the user's processes down too.
  const stop = () => {
    stopping = true;
    (serving.server?.close() ?? Promise.resolve()).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  let backend: Started;
  try {
    backend = await startBackend(config);
  } catch (error) {
    const fault = userFault(error);
    if (fault === undefined) throw error;
    if (fault) process.stderr.write(`${fault}\n`);
    process.exit(MODEL_CANNOT_RUN_EXIT_CODE);
  }
  if (stopping) return;
  const server = new UserCodeServer(backend, createScorerAuthenticator(config), config.maxRequestBytes);
  serving.server = server;
  const port = await server.listen(config.port, config.host);
  const runtime = config.userCode.runtime!.runtime;
  await new Promise<void>((resolve) =>
    process.stdout.write(`Sibyl scorer listening on port ${port} (runtime: ${runtime})\n`, () => resolve()),
  );
  await backend.releaseOutput?.();
  // A user process that dies while serving takes the replica with it, so the compute replaces both.
  void backend.exited?.then(({ code, signal }) => {
    if (stopping) return;
    process.stderr.write(`The user's process exited (${signal ?? `code ${code}`}); this replica stops.\n`);
    process.exit(1);
  });
}
