/**
 * A custom environment's own image in Azure runs beside the scorer (shared/compute/azure/scorerAppSidecar.ts):
 * the scorer stays the ingress target, the user's container gets its port, the shared files' paths and
 * the environment's variables, never the scorer's settings, and the replica's size is split between them.
 */
import { scorerAppParameters } from '../../../shared/compute/azure/scorerAppParameters';
import { SCORER_PORT_BESIDE_8080, withSidecar } from '../../../shared/compute/azure/scorerAppSidecar';
import { userRuntimeSettings, type CustomServer, type UserRuntime } from '../../../shared/compute/userRuntime';
import { SibylError } from '../../../shared/errors';
import { COMPUTE_ENV, containerSpec, readArmComputeConfig } from './azureFixtures';

const config = readArmComputeConfig({ ...COMPUTE_ENV, SIBYL_COMPUTE_GPU_PROFILES: 'T4=gpu-t4' });
const IMAGE = 'docker.io/acme/server:1';

function custom(server: Partial<CustomServer> = {}, more: Partial<UserRuntime> = {}) {
  return {
    runtime: 'custom' as const,
    custom: {
      image: IMAGE,
      port: 9000,
      routes: { liveness: '/live', readiness: '/ready', scoring: '/predict' },
      protocol: 'azureml' as const,
      ...server,
    },
    environmentHash: 'env-1',
    variables: { GREETING: 'hello' },
    ...more,
  };
}

function parametersFor(runtime: ReturnType<typeof custom>, spec = {}) {
  const settings = { SIBYL_SCORER_MODEL: 'weights:2', ...userRuntimeSettings(runtime) };
  return withSidecar(
    scorerAppParameters(containerSpec({ runtime: 'custom', settings, ...spec }), config),
    IMAGE,
    runtime,
  );
}

describe('withSidecar', () => {
  it("keeps the scorer's image, port and probes in front and runs the user's image beside it", () => {
    const parameters = parametersFor(custom({}, { code: { name: 'server', version: 3 } }));
    expect(parameters.image).toBe(config.image);
    expect(parameters.targetPort).toBe(8080);
    expect(parameters.healthPaths).toBeUndefined();
    expect(parameters.settings).toMatchObject({
      SIBYL_SCORER_SIDECAR_DIR: '/mnt/sibyl',
      SIBYL_USER_CODE_DIR: '/mnt/sibyl/.sibyl/user-code',
      SIBYL_MODEL_CACHE_DIR: '/mnt/sibyl/.sibyl/models',
      SIBYL_SCORER_MODEL: 'weights:2',
    });
    expect(parameters.sidecar).toEqual({
      image: IMAGE,
      port: 9000,
      liveness: '/live',
      cpu: '1.75',
      memory: '3.5Gi',
      sharedDir: '/mnt/sibyl',
      env: {
        GREETING: 'hello',
        PORT: '9000',
        AZUREML_MODEL_DIR: '/mnt/sibyl/model',
        SIBYL_CODE_DIR: '/mnt/sibyl/code',
        SIBYL_FILES_READY: '/mnt/sibyl/ready',
      },
    });
    // The scorer's share and the user's add up to the replica's size (2 vCPU, 4 GiB here).
    expect(parameters.cpu).toBe('0.25');
    expect(parameters.memory).toBe('0.5Gi');
    expect(Object.keys(parameters.sidecar!.env).some((name) => /KEY|CLIENT_ID|Storage/i.test(name))).toBe(false);
  });

  it('moves the scorer off 8080 when the user server listens there (they share localhost)', () => {
    const parameters = parametersFor(custom({ port: 8080 }));
    expect(parameters.targetPort).toBe(SCORER_PORT_BESIDE_8080);
    expect(parameters.sidecar!.port).toBe(8080);
    expect(parameters.sidecar!.env.PORT).toBe('8080');
    expect(parameters.sidecar!.env.SIBYL_CODE_DIR).toBeUndefined();
  });

  it('gives a GPU replica all but the scorer share to the user server (the first container)', () => {
    const parameters = parametersFor(custom(), { kind: 'gpu', gpu: 'T4', cpu: undefined, memoryGi: undefined });
    expect(parameters.sidecar).toMatchObject({ cpu: '7.75', memory: '55.5Gi' });
    expect(parameters.workloadProfileName).toBe('gpu-t4');
  });

  it('refuses a replica too small to hold both containers with a 400', () => {
    let error: unknown;
    try {
      parametersFor(custom(), { cpu: 0.25, memoryGi: 0.5 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SibylError);
    expect((error as SibylError).status).toBe(400);
    expect((error as SibylError).message).toMatch(/instance\.cpu must be at least 0\.5/);
  });
});
