/**
 * The one mapping from a deployment's ScorerAppSpec to the parameters of infra/scorerApp.bicep. The
 * types mirror that module's parameters; test/infra checks them against it with `bicep build-params`.
 */
import { createHash } from 'node:crypto';
import { SibylError } from '../../errors';
import type { GpuKind, ScorerAppSpec } from '../computeTypes';
import type { ArmComputeConfig } from '../computeSettings';
import type { ScorerAppSidecar } from './scorerAppSidecar';

/** infra/scorerApp.bicep's `scaleType`. */
export interface ScorerAppScale {
  minReplicas: number;
  maxReplicas: number;
  concurrentRequests: number;
  cooldownPeriod: number;
}

/** infra/scorerApp.bicep's parameters, by name. */
export interface ScorerAppParameters {
  name: string;
  location: string;
  tags: Record<string, string>;
  environmentId: string;
  workloadProfileName: string;
  identity: { id: string; clientId: string };
  registryServer: string;
  image: string;
  targetPort: number;
  /** Left out: the scorer's own health routes (the module's default). */
  healthPaths?: { liveness: string; readiness: string };
  cpu: string;
  memory: string;
  scale: ScorerAppScale;
  settings: Record<string, string>;
  scorerKeySecretUrl: string;
  /** A custom server's own image beside the scorer (scorerAppSidecar.ts); left out for the scorer alone. */
  sidecar?: ScorerAppSidecar;
}

/** Container Apps' replica limit. */
export const MAX_REPLICAS = 1000;
export const SCORER_PORT = 8080;
const CONSUMPTION_PROFILE = 'Consumption';
/** A serverless GPU replica gets its whole profile: NC8as T4 (8 vCPU, 56 GiB), NC24 A100 (24 vCPU, 220 GiB). */
const GPU_REPLICA_SIZES: Record<GpuKind, { cpu: string; memory: string }> = {
  T4: { cpu: '8.0', memory: '56Gi' },
  A100: { cpu: '24.0', memory: '220Gi' },
};
/** Consumption replica default: 1 vCPU; memory is always 2 GiB per vCPU there. */
const DEFAULT_CPU = 1;
/** Container Apps Consumption sizes: 0.25 to 4 vCPU in steps of 0.25, with 2 GiB per vCPU. */
const CPU_STEP = 0.25;
const MAX_CPU = 4;
/** Set by the module itself (infra/scorerApp.bicep `fixedEnv`); a spec may not set them. */
const RESERVED_SETTINGS = ['PORT', 'AZURE_CLIENT_ID', 'SIBYL_SCORER_KEY', 'SIBYL_SCORER_SIDECAR_DIR'];
const APP_NAME_MAX = 32;

function invalid(message: string): SibylError {
  return new SibylError('InvalidInput', message);
}

/**
 * The container app's name: at most 32 lowercase letters, digits and single hyphens, starting with a
 * letter. Readable from `<endpoint>-<deployment>` and made unique by a hash of both (truncation
 * alone could make two deployments collide).
 */
export function scorerAppName(endpoint: string, deployment: string): string {
  const hash = createHash('sha256').update(`${endpoint}/${deployment}`).digest('hex').slice(0, 8);
  const prefix = 'sc-';
  const room = APP_NAME_MAX - prefix.length - 1 - hash.length;
  const slug = `${endpoint}-${deployment}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, room)
    .replace(/^-+|-+$/g, '');
  return slug ? `${prefix}${slug}-${hash}` : `${prefix}${hash}`;
}

/** The ARM deployment that creates or updates the app (at most 64 characters). */
export function armDeploymentName(endpoint: string, deployment: string): string {
  return `sibyl-${scorerAppName(endpoint, deployment)}`;
}

function replicaSize(spec: ScorerAppSpec): { cpu: string; memory: string; profile: 'gpu' | 'consumption' } {
  if (spec.kind === 'gpu') {
    if (spec.cpu !== undefined || spec.memoryGi !== undefined) {
      throw invalid(
        'instance.cpu and instance.memoryGi apply to `container` deployments only: a GPU replica gets its whole profile.',
      );
    }
    return { ...GPU_REPLICA_SIZES[spec.gpu ?? 'T4'], profile: 'gpu' };
  }
  const cpu = spec.cpu ?? (spec.memoryGi !== undefined ? spec.memoryGi / 2 : DEFAULT_CPU);
  if (!(cpu >= CPU_STEP && cpu <= MAX_CPU) || !Number.isInteger(cpu / CPU_STEP)) {
    throw invalid(`instance.cpu must be 0.25 to 4 in steps of 0.25 (Container Apps Consumption sizes), got ${cpu}.`);
  }
  const memoryGi = spec.memoryGi ?? cpu * 2;
  if (memoryGi !== cpu * 2) {
    throw invalid(
      `instance.memoryGi must be twice instance.cpu on Container Apps Consumption (${cpu} vCPU takes ${cpu * 2} GiB), got ${memoryGi}.`,
    );
  }
  return { cpu: cpu.toFixed(2).replace(/0$/, ''), memory: `${memoryGi}Gi`, profile: 'consumption' };
}

function scale(spec: ScorerAppSpec): ScorerAppScale {
  const int = (name: string, value: number, min: number, max: number) => {
    if (!Number.isSafeInteger(value) || value < min || value > max)
      throw invalid(`${name} must be an integer from ${min} to ${max}, got ${value}.`);
    return value;
  };
  const minReplicas = int('instance.minInstances', spec.minReplicas, 0, MAX_REPLICAS);
  const maxReplicas = int('instance.maxInstances', spec.maxReplicas, 1, MAX_REPLICAS);
  if (maxReplicas < minReplicas)
    throw invalid(`instance.maxInstances (${maxReplicas}) must be at least instance.minInstances (${minReplicas}).`);
  return {
    minReplicas,
    maxReplicas,
    concurrentRequests: int(
      'instance.maxConcurrentRequestsPerInstance',
      spec.concurrentRequests,
      1,
      Number.MAX_SAFE_INTEGER,
    ),
    cooldownPeriod: int('instance.scaleInDelaySeconds', spec.scaleInDelaySeconds, 0, Number.MAX_SAFE_INTEGER),
  };
}

/** infra/scorerApp.bicep's parameters for one deployment; a 400 for what Container Apps would refuse. */
export function scorerAppParameters(spec: ScorerAppSpec, config: ArmComputeConfig): ScorerAppParameters {
  if (!config.image) {
    throw new SibylError(
      'ServiceUnavailable',
      'No scorer image yet: build it (README "Deploy to Azure" step 5) and set SIBYL_COMPUTE_IMAGE.',
    );
  }
  const reserved = Object.keys(spec.settings).filter((name) => RESERVED_SETTINGS.includes(name));
  if (reserved.length)
    throw invalid(`Scorer settings may not set ${reserved.join(', ')}: the scorer app sets them itself.`);
  const size = replicaSize(spec);
  let workloadProfileName = CONSUMPTION_PROFILE;
  if (size.profile === 'gpu') {
    const gpu = spec.gpu ?? 'T4';
    const profile = config.gpuProfiles[gpu];
    if (!profile) {
      const offered = Object.keys(config.gpuProfiles);
      throw invalid(
        `compute.gpu '${gpu}' is not offered here (${offered.length ? `offered: ${offered.join(', ')}` : 'no GPU profiles'}); ` +
          `add it to infra/main.bicep's \`gpus\` and redeploy.`,
      );
    }
    workloadProfileName = profile;
  }
  return {
    name: scorerAppName(spec.endpoint, spec.deployment),
    location: config.location,
    tags: { 'sibyl-endpoint': spec.endpoint, 'sibyl-deployment': spec.deployment, 'sibyl-revision': spec.revision },
    environmentId: config.environmentId,
    workloadProfileName,
    identity: config.identity,
    registryServer: config.registryServer,
    image: config.image,
    targetPort: SCORER_PORT,
    cpu: size.cpu,
    memory: size.memory,
    scale: scale(spec),
    settings: {
      ...spec.settings,
      AzureWebJobsStorage__blobServiceUri: config.modelsBlobEndpoint,
      SIBYL_SCORER_EXECUTION_PROVIDERS: spec.kind === 'gpu' ? 'cuda,cpu' : 'cpu',
      // Readiness fails on a GPU replica whose session did not get CUDA (scorer/).
      SIBYL_COMPUTE_KIND: spec.kind,
      SIBYL_SCORER_DEPLOYMENT: `${spec.endpoint}/${spec.deployment}`,
      // A changed spec changes the template, so Container Apps rolls out a new revision.
      SIBYL_DEPLOYMENT_REVISION: spec.revision,
    },
    scorerKeySecretUrl: config.scorerKeySecretUrl,
  };
}

/** The parameters in ARM's `{ name: { value } }` form. */
export function toArmParameters(parameters: ScorerAppParameters): Record<string, { value: unknown }> {
  return Object.fromEntries(Object.entries(parameters).map(([name, value]: [string, unknown]) => [name, { value }]));
}
