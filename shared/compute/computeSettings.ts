/**
 * The settings of container compute (`SIBYL_COMPUTE*`): which provider runs `container`/`gpu` deployments,
 * and the Azure Resource Manager settings infra/main.bicep writes for Container Apps. Part of the app's
 * settings (shared/config.ts reads them from the environment it is given); apart because only container
 * compute needs them, and a problem with the ARM ones fails only that.
 */
import { SibylError } from '../errors';
import { url, type ConfigProblems, type Env } from '../settingsReader';
import type { GpuKind } from './computeTypes';

/**
 * `SIBYL_COMPUTE`: `local` is the local host's compute provider, reached at `SIBYL_COMPUTE_URL` (the
 * host's base URL) with its master key in `SIBYL_COMPUTE_KEY` (the host sets all three); `azure` is
 * Container Apps through Azure Resource Manager. Unset, `container`/`gpu` deployments are refused.
 */
export interface ComputeSettings {
  kind: 'local' | 'azure' | undefined;
  url: string | undefined;
  key: string | undefined;
  /** The ARM transport's settings (`azure`), or why they cannot be used. */
  azure: ArmComputeSettings;
}

/**
 * Where and how the app deploys each `container`/`gpu` deployment's scorer app in Azure: the settings
 * infra/main.bicep writes (SIBYL_COMPUTE_*).
 */
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

/**
 * Only container compute in Azure needs the ARM settings: a problem with them is not one of the app's
 * settings problems (everything else keeps working) but a 503 naming it on each use (`armComputeConfig`).
 */
export type ArmComputeSettings = { config: ArmComputeConfig } | { problem: string };

export function computeSettings(env: Env, problems: ConfigProblems): ComputeSettings {
  const kind = env.SIBYL_COMPUTE || undefined;
  if (kind !== undefined && kind !== 'local' && kind !== 'azure')
    problems.add(`SIBYL_COMPUTE must be 'local' or 'azure', got '${kind}'.`);
  const settings: ComputeSettings = {
    kind: kind as ComputeSettings['kind'],
    url: url(env, 'SIBYL_COMPUTE_URL', problems),
    key: env.SIBYL_COMPUTE_KEY || undefined,
    azure: armComputeSettings(env),
  };
  if (settings.kind === 'local' && (!settings.url || !settings.key))
    problems.add("SIBYL_COMPUTE 'local' needs SIBYL_COMPUTE_URL and SIBYL_COMPUTE_KEY (the local host sets them).");
  return settings;
}

const ARM_REQUIRED = [
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

function gpuProfiles(raw: string): Partial<Record<GpuKind, string>> | undefined {
  const profiles: Partial<Record<GpuKind, string>> = {};
  for (const entry of raw
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [gpu, name] = entry.split('=').map((p) => p.trim());
    if ((gpu !== 'T4' && gpu !== 'A100') || !name) return undefined;
    profiles[gpu] = name;
  }
  return profiles;
}

/** The ARM compute settings, or the first problem with them: missing ones (all named), then malformed ones. */
export function armComputeSettings(env: Env): ArmComputeSettings {
  const missing = ARM_REQUIRED.filter((name) => !env[name]);
  if (missing.length)
    return {
      problem: `Container compute is not configured: set ${missing.join(', ')} (infra/main.bicep writes them).`,
    };
  const value = (name: (typeof ARM_REQUIRED)[number]) => env[name] as string;
  const environmentId = value('SIBYL_COMPUTE_ENVIRONMENT_ID');
  const match = ENVIRONMENT_ID.exec(environmentId);
  if (!match)
    return {
      problem: `SIBYL_COMPUTE_ENVIRONMENT_ID must be a Container Apps environment resource id, got '${environmentId}'.`,
    };
  const rawProfiles = env.SIBYL_COMPUTE_GPU_PROFILES ?? '';
  const profiles = gpuProfiles(rawProfiles);
  if (!profiles)
    return {
      problem: `SIBYL_COMPUTE_GPU_PROFILES must list GPU=profile pairs such as 'T4=gpu-t4', got '${rawProfiles}'.`,
    };
  return {
    config: {
      subscriptionId: match[1] as string,
      resourceGroup: match[2] as string,
      environmentId,
      location: value('SIBYL_COMPUTE_LOCATION'),
      gpuProfiles: profiles,
      identity: { id: value('SIBYL_COMPUTE_IDENTITY_ID'), clientId: value('SIBYL_COMPUTE_IDENTITY_CLIENT_ID') },
      registryServer: value('SIBYL_COMPUTE_REGISTRY_SERVER'),
      image: env.SIBYL_COMPUTE_IMAGE ?? '',
      scorerKeySecretUrl: value('SIBYL_COMPUTE_SCORER_KEY_SECRET_URL'),
      modelsBlobEndpoint: value('AzureWebJobsStorage__blobServiceUri'),
    },
  };
}

/** The ARM compute settings, or a 503 naming what is missing or malformed. */
export function armComputeConfig(settings: ArmComputeSettings): ArmComputeConfig {
  if ('problem' in settings) throw new SibylError('ServiceUnavailable', settings.problem);
  return settings.config;
}
