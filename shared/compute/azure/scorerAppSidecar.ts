/**
 * A `custom` environment's own server in Azure (environments issue): its image runs as a second container
 * of each replica, beside Sibyl's scorer, so the scorer stays the ingress target and endpoint auth comes
 * before anything reaches the user's server. The two containers share the replica's localhost (the scorer
 * forwards to 127.0.0.1:port) and an EmptyDir volume, into which the scorer downloads the model and the
 * code asset (scorer/userCode/sidecarFiles.ts). What the user's container gets, and can rely on:
 * - `PORT`: the port to listen on (the environment's `port`), and the environment's `variables`;
 * - `AZUREML_MODEL_DIR`: the model's folder, which appears complete (an atomic link) once downloaded;
 * - `SIBYL_CODE_DIR`: the code asset's folder, likewise, when the deployment has one;
 * - `SIBYL_FILES_READY`: a file written once both are in place; until then, the server's readiness route
 *   should fail (the replica takes traffic only once it answers 2xx).
 * It gets none of the scorer's settings, key or identity variables.
 */
import { SibylError } from '../../errors';
import type { CustomServer, UserRuntime } from '../userRuntime';
import { SCORER_PORT, type ScorerAppParameters } from './scorerAppParameters';

/** infra/scorerApp.bicep's `sidecarType`. */
export interface ScorerAppSidecar {
  image: string;
  port: number;
  liveness: string;
  cpu: string;
  memory: string;
  sharedDir: string;
  env: Record<string, string>;
}

/** Where both containers mount the shared volume. */
export const SHARED_DIR = '/mnt/sibyl';
/** The scorer's port when the user's server already listens on SCORER_PORT (they share localhost). */
export const SCORER_PORT_BESIDE_8080 = 8081;
/** The scorer only authenticates and forwards beside a sidecar: the smallest Container Apps slice. */
const SCORER_SHARE = { cpu: 0.25, memoryGi: 0.5 };

/** What the scorer and the user's container agree on inside the shared volume. */
export const SIDECAR_PATHS = {
  model: `${SHARED_DIR}/model`,
  code: `${SHARED_DIR}/code`,
  ready: `${SHARED_DIR}/ready`,
  userCodeCache: `${SHARED_DIR}/.sibyl/user-code`,
  modelCache: `${SHARED_DIR}/.sibyl/models`,
};

function invalid(message: string): SibylError {
  return new SibylError('InvalidInput', message);
}

/** As scorerAppParameters writes cores: `0.25`, `0.75`, `1.0`. */
function coresText(cores: number): string {
  return cores.toFixed(2).replace(/0$/, '');
}

/** `4Gi` → 4; the module takes memory as `<number>Gi`. */
function gibibytes(memory: string): number {
  const match = /^(\d+(?:\.\d+)?)Gi$/.exec(memory);
  if (!match) throw new Error(`Unexpected memory size '${memory}'.`);
  return Number(match[1]);
}

/**
 * The parameters of a custom server's deployment: the scorer's image as the ingress target (with its
 * health routes and the sidecar setting), the user's image beside it with the replica's size less the
 * scorer's share.
 */
export function withSidecar(
  parameters: ScorerAppParameters,
  userImage: string,
  runtime: UserRuntime & { custom: CustomServer },
): ScorerAppParameters {
  const server = runtime.custom;
  const cpu = Number(parameters.cpu);
  const memoryGi = gibibytes(parameters.memory);
  if (cpu - SCORER_SHARE.cpu < SCORER_SHARE.cpu)
    throw invalid(
      `A custom image runs beside Sibyl's scorer (${SCORER_SHARE.cpu} vCPU): instance.cpu must be at least ` +
        `${SCORER_SHARE.cpu * 2}, got ${parameters.cpu}.`,
    );
  const scorerPort = server.port === SCORER_PORT ? SCORER_PORT_BESIDE_8080 : SCORER_PORT;
  const hasModel = Boolean(parameters.settings.SIBYL_SCORER_MODEL);
  const { healthPaths: _ownRoutes, ...rest } = parameters;
  return {
    ...rest,
    targetPort: scorerPort,
    cpu: coresText(SCORER_SHARE.cpu),
    memory: `${SCORER_SHARE.memoryGi}Gi`,
    settings: {
      ...parameters.settings,
      SIBYL_SCORER_SIDECAR_DIR: SHARED_DIR,
      SIBYL_USER_CODE_DIR: SIDECAR_PATHS.userCodeCache,
      SIBYL_MODEL_CACHE_DIR: SIDECAR_PATHS.modelCache,
    },
    sidecar: {
      image: userImage,
      port: server.port,
      liveness: server.routes.liveness,
      cpu: coresText(cpu - SCORER_SHARE.cpu),
      memory: `${memoryGi - SCORER_SHARE.memoryGi}Gi`,
      sharedDir: SHARED_DIR,
      env: {
        ...runtime.variables,
        PORT: String(server.port),
        ...(hasModel ? { AZUREML_MODEL_DIR: SIDECAR_PATHS.model } : {}),
        ...(runtime.code ? { SIBYL_CODE_DIR: SIDECAR_PATHS.code } : {}),
        SIBYL_FILES_READY: SIDECAR_PATHS.ready,
      },
    },
  };
}
