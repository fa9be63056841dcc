/**
 * What a deployment's `instance` settings mean for its kind of compute: `functions` deployments run
 * in the Function App, which Flex Consumption scales as a whole, so only the per-instance concurrency
 * applies there; `container`/`gpu` deployments run replicas of their own, sized and scaled by these.
 */
import type { InstanceSettings } from '../api/schemas';
import { SibylError } from '../errors';

export type ComputeKind = 'functions' | 'container' | 'gpu';

export const FUNCTIONS_CONCURRENCY = 128;

/** Defaults of `container`/`gpu` deployments (README, OpenAPI). */
export const REPLICA_DEFAULTS = {
  minInstances: 1,
  maxInstances: 3,
  maxConcurrentRequestsPerInstance: 16,
  scaleInDelaySeconds: 300,
  cpu: 1,
  memoryGi: 2,
} as const;

export interface ReplicaSettings {
  minInstances: number;
  maxInstances: number;
  maxConcurrentRequestsPerInstance: number;
  scaleInDelaySeconds: number;
  /** Container kind only: GPU profiles fix their own size. */
  cpu?: number;
  memoryGi?: number;
}

const REPLICA_ONLY = ['minInstances', 'maxInstances', 'scaleInDelaySeconds', 'cpu', 'memoryGi'] as const;

/** Refuses (400) settings the deployment's kind of compute cannot honour. */
export function checkInstanceSettings(kind: ComputeKind, instance: InstanceSettings): void {
  if (kind === 'functions') {
    const set = REPLICA_ONLY.filter((k) => instance[k] !== undefined);
    if (set.length) {
      throw new SibylError(
        'InvalidInput',
        `instance.${set.join(', instance.')} cannot be set on a 'functions' deployment: Flex Consumption scales the whole Function App, ` +
          "so its instance limits live in the app's scale settings in infra/ (main.bicep: maximumInstanceCount, instanceMemoryMB). " +
          "Use an environment with compute kind 'container' or 'gpu' for replicas of its own.",
      );
    }
    return;
  }
  if (kind === 'gpu' && (instance.cpu !== undefined || instance.memoryGi !== undefined)) {
    throw new SibylError(
      'InvalidInput',
      "instance.cpu and instance.memoryGi apply to 'container' deployments only: a GPU workload profile fixes its own size.",
    );
  }
  const r = replicaSettings(kind, instance);
  if (r.minInstances > r.maxInstances) {
    throw new SibylError(
      'InvalidInput',
      `instance.minInstances (${r.minInstances}) is larger than instance.maxInstances (${r.maxInstances}).`,
    );
  }
  if (kind === 'container' && r.memoryGi !== 2 * r.cpu!) {
    throw new SibylError(
      'InvalidInput',
      `instance.memoryGi must be twice instance.cpu on the Consumption profile (0.25 vCPU/0.5 GiB up to 4 vCPU/8 GiB); ` +
        `got cpu ${r.cpu} and memoryGi ${r.memoryGi}.`,
    );
  }
}

/** The replica settings with defaults filled in; `memoryGi` follows `cpu` (and back) when only one is set. */
export function replicaSettings(kind: 'container' | 'gpu', instance: InstanceSettings): ReplicaSettings {
  const minInstances =
    instance.minInstances ?? Math.min(REPLICA_DEFAULTS.minInstances, instance.maxInstances ?? Infinity);
  const settings: ReplicaSettings = {
    minInstances,
    maxInstances: instance.maxInstances ?? Math.max(REPLICA_DEFAULTS.maxInstances, minInstances),
    maxConcurrentRequestsPerInstance:
      instance.maxConcurrentRequestsPerInstance ?? REPLICA_DEFAULTS.maxConcurrentRequestsPerInstance,
    scaleInDelaySeconds: instance.scaleInDelaySeconds ?? REPLICA_DEFAULTS.scaleInDelaySeconds,
  };
  if (kind === 'container') {
    settings.cpu = instance.cpu ?? (instance.memoryGi !== undefined ? instance.memoryGi / 2 : REPLICA_DEFAULTS.cpu);
    settings.memoryGi = instance.memoryGi ?? settings.cpu * 2;
  }
  return settings;
}
