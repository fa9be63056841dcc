/** A ScorerAppSpec and ARM compute settings as infra/main.bicep would write them, for the ARM transport's tests. */
import { armComputeConfig, armComputeSettings, type ArmComputeConfig } from '../../../shared/compute/computeSettings';
import type { ScorerAppSpec } from '../../../shared/compute/computeTypes';
import type { CustomServer, UserRuntime } from '../../../shared/compute/userRuntime';

export const SUBSCRIPTION = '00000000-0000-0000-0000-00000000000b';
export const RESOURCE_GROUP = 'rg-sibyl';

const GROUP_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}`;

export const COMPUTE_ENV: NodeJS.ProcessEnv = {
  SIBYL_COMPUTE_ENVIRONMENT_ID: `${GROUP_ID}/providers/Microsoft.App/managedEnvironments/cae-sibyl`,
  SIBYL_COMPUTE_LOCATION: 'swedencentral',
  SIBYL_COMPUTE_GPU_PROFILES: 'T4=gpu-t4',
  SIBYL_COMPUTE_IDENTITY_ID: `${GROUP_ID}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-sibyl-scorer`,
  SIBYL_COMPUTE_IDENTITY_CLIENT_ID: '11111111-1111-1111-1111-111111111111',
  SIBYL_COMPUTE_REGISTRY_SERVER: 'crsibyl.azurecr.io',
  SIBYL_COMPUTE_IMAGE: 'crsibyl.azurecr.io/sibyl-scorer:1',
  SIBYL_COMPUTE_SCORER_KEY_SECRET_URL: 'https://kvsibyl.vault.azure.net/secrets/sibyl-scorer-key',
  AzureWebJobsStorage__blobServiceUri: 'https://stsibyl.blob.core.windows.net/',
};

/** The ARM compute settings of `env` (a 503 when they cannot be used), as the app's config holds them. */
export function readArmComputeConfig(env: Record<string, string | undefined>): ArmComputeConfig {
  return armComputeConfig(armComputeSettings(env));
}

export function containerSpec(overrides: Partial<ScorerAppSpec> = {}): ScorerAppSpec {
  return {
    endpoint: 'fraud-detector',
    deployment: 'blue',
    kind: 'container',
    minReplicas: 1,
    maxReplicas: 3,
    concurrentRequests: 2,
    scaleInDelaySeconds: 300,
    cpu: 2,
    memoryGi: 4,
    runtime: 'onnx',
    settings: { SIBYL_MODEL: 'fraud:3', SIBYL_MAX_BATCH_SIZE: '64', SIBYL_INTRA_OP_THREADS: '2' },
    revision: 'r-7f3a',
    ...overrides,
  };
}

/** A custom environment's server (Azure: its own image) speaking OIP on port 9000, with `server` on top. */
export function customRuntime(server: Partial<CustomServer> = {}, more: Partial<UserRuntime> = {}): UserRuntime {
  return {
    runtime: 'custom',
    custom: {
      image: 'docker.io/acme/oip:2',
      port: 9000,
      routes: { liveness: '/live', readiness: '/ready', scoring: '/score' },
      protocol: 'oip',
      ...server,
    },
    environmentHash: 'env-hash-2',
    variables: {},
    ...more,
  };
}

export type { ArmComputeConfig };
