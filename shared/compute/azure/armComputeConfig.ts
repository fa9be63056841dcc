/**
 * Where and how the Function App deploys each `container`/`gpu` deployment's scorer app in Azure:
 * the settings infra/main.bicep writes (SIBYL_COMPUTE_*). Read on first use, never at module load,
 * so a missing setting surfaces as a 503 naming it rather than an app that indexes no functions.
 */
import { SibylError } from '../../errors';
import type { GpuKind } from '../computeTypes';

export interface ArmComputeConfig {
  subscriptionId: string;
  resourceGroup: string;
  /** Resource id of the Container Apps environment. */
  environmentId: string;
  location: string;
  /** Workload profile name in the environment for each GPU `compute.gpu` may name; absent when not offered. */
  gpuProfiles: Partial<Record<GpuKind, string>>;
  /** The scorer identity every scorer app runs as. */
  identity: { id: string; clientId: string };
  registryServer: string;
  /** Scorer image; empty until the first one is built, and then deployments fail saying so. */
  image: string;
  scorerKeySecretUrl: string;
  /** Blob endpoint the replicas read models from (the app's own storage). */
  modelsBlobEndpoint: string;
}

const REQUIRED = [
  'SIBYL_COMPUTE_ENVIRONMENT_ID',
  'SIBYL_COMPUTE_LOCATION',
  'SIBYL_COMPUTE_IDENTITY_ID',
  'SIBYL_COMPUTE_IDENTITY_CLIENT_ID',
  'SIBYL_COMPUTE_REGISTRY_SERVER',
  'SIBYL_COMPUTE_SCORER_KEY_SECRET_URL',
  'AzureWebJobsStorage__blobServiceUri',
] as const;

const ENVIRONMENT_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.App\/managedEnvironments\/[^/]+$/i;

function gpuProfiles(raw: string): Partial<Record<GpuKind, string>> {
  const profiles: Partial<Record<GpuKind, string>> = {};
  for (const entry of raw
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [gpu, name] = entry.split('=').map((p) => p.trim());
    if ((gpu !== 'T4' && gpu !== 'A100') || !name) {
      throw new SibylError(
        'ServiceUnavailable',
        `SIBYL_COMPUTE_GPU_PROFILES must list GPU=profile pairs such as 'T4=gpu-t4', got '${raw}'.`,
      );
    }
    profiles[gpu] = name;
  }
  return profiles;
}

/** The ARM compute settings, or a 503 naming every missing or malformed one. */
export function readArmComputeConfig(env: NodeJS.ProcessEnv = process.env): ArmComputeConfig {
  const missing = REQUIRED.filter((name) => !env[name]);
  if (missing.length) {
    throw new SibylError(
      'ServiceUnavailable',
      `Container compute is not configured: set ${missing.join(', ')} (infra/main.bicep writes them).`,
    );
  }
  const value = (name: (typeof REQUIRED)[number]) => env[name] as string;
  const environmentId = value('SIBYL_COMPUTE_ENVIRONMENT_ID');
  const match = ENVIRONMENT_ID.exec(environmentId);
  if (!match) {
    throw new SibylError(
      'ServiceUnavailable',
      `SIBYL_COMPUTE_ENVIRONMENT_ID must be a Container Apps environment resource id, got '${environmentId}'.`,
    );
  }
  return {
    subscriptionId: match[1] as string,
    resourceGroup: match[2] as string,
    environmentId,
    location: value('SIBYL_COMPUTE_LOCATION'),
    gpuProfiles: gpuProfiles(env.SIBYL_COMPUTE_GPU_PROFILES ?? ''),
    identity: { id: value('SIBYL_COMPUTE_IDENTITY_ID'), clientId: value('SIBYL_COMPUTE_IDENTITY_CLIENT_ID') },
    registryServer: value('SIBYL_COMPUTE_REGISTRY_SERVER'),
    image: env.SIBYL_COMPUTE_IMAGE ?? '',
    scorerKeySecretUrl: value('SIBYL_COMPUTE_SCORER_KEY_SECRET_URL'),
    modelsBlobEndpoint: value('AzureWebJobsStorage__blobServiceUri'),
  };
}
