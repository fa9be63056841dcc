/**
 * A scorer app's status read back from Azure: `provisioningState` follows the ARM deployment (its
 * error becomes `error`, its tag says Creating or Updating), then the container app's latest revision
 * (serving once ready, failed when its replicas never pass their probes); replica counts come from
 * the Container Apps replicas API.
 */
import type { Replica } from '@azure/arm-appcontainers';
import type { ProvisioningState, ReplicaState, ReplicaStatus, ScaleStatus, ScorerAppStatus } from '../computeTypes';
import type { ArmOperations } from './armOperations';

/** Tag on the ARM deployment: whether it created the app or updated one (Creating vs Updating). */
export const OPERATION_TAG = 'sibyl-operation';

interface ArmError {
  code?: string;
  message?: string;
  details?: ArmError[];
}

/** ARM's error, nested details flattened into one line (the innermost say what really failed). */
export function armErrorMessage(error: ArmError | undefined): string {
  if (!error) return 'The ARM deployment failed without an error message.';
  const parts: string[] = [];
  const walk = (e: ArmError) => {
    if (e.message) parts.push(e.code ? `${e.code}: ${e.message}` : e.message);
    for (const detail of e.details ?? []) walk(detail);
  };
  walk(error);
  return parts.join(' / ') || (error.code ?? 'The ARM deployment failed.');
}

function replicaState(replica: Replica): ReplicaState {
  if (replica.runningState === 'NotRunning') return 'Failed';
  const containers = replica.containers ?? [];
  if (replica.runningState === 'Running' && containers.length > 0 && containers.every((c) => c.ready)) return 'Ready';
  return 'Starting';
}

function replicaStatus(replica: Replica): ReplicaStatus {
  return {
    name: replica.name ?? '',
    state: replicaState(replica),
    // Container Apps does not report a replica's in-flight requests; the scorer's own metrics do.
    inFlight: 0,
    startedAt: (replica.createdTime ?? new Date(0)).toISOString(),
  };
}

async function revisionScale(
  ops: ArmOperations,
  resourceGroup: string,
  app: string,
  revisionName: string | undefined,
): Promise<ScaleStatus> {
  if (!revisionName) return { desiredReplicas: 0, readyReplicas: 0, replicas: [] };
  const [revision, replicas] = await Promise.all([
    ops.apps.revision(resourceGroup, app, revisionName),
    ops.apps.replicas(resourceGroup, app, revisionName),
  ]);
  const statuses = replicas.map(replicaStatus);
  return {
    desiredReplicas: revision?.replicas ?? statuses.length,
    readyReplicas: statuses.filter((r) => r.state === 'Ready').length,
    replicas: statuses,
  };
}

/** The status of the container app `name` deployed by the ARM deployment `deploymentId`; undefined without one. */
export async function scorerAppStatus(
  ops: ArmOperations,
  resourceGroup: string,
  deploymentId: string,
  name: string,
): Promise<ScorerAppStatus | undefined> {
  const armDeployment = await ops.deployments.get(deploymentId);
  if (!armDeployment) return undefined;
  const properties = (armDeployment.properties ?? {}) as { provisioningState?: string; error?: ArmError };
  const inProgress: ProvisioningState = armDeployment.tags?.[OPERATION_TAG] === 'update' ? 'Updating' : 'Creating';
  const empty: ScaleStatus = { desiredReplicas: 0, readyReplicas: 0, replicas: [] };
  switch (properties.provisioningState) {
    case 'Failed':
    case 'Canceled':
      return { provisioningState: 'Failed', error: armErrorMessage(properties.error), scale: empty };
    case 'Deleting':
      return { provisioningState: 'Deleting', scale: empty };
    case 'Succeeded':
      break;
    default:
      return { provisioningState: inProgress, scale: empty };
  }
  const app = await ops.apps.get(resourceGroup, name);
  if (!app)
    return {
      provisioningState: 'Failed',
      error: `Container app ${name} is gone though its deployment succeeded.`,
      scale: empty,
    };
  const url = app.configuration?.ingress?.fqdn ? `https://${app.configuration.ingress.fqdn}` : undefined;
  // The deployment is done once ARM accepted the revision; it serves once the revision is ready.
  const serving = app.latestRevisionName !== undefined && app.latestReadyRevisionName === app.latestRevisionName;
  const scale = await revisionScale(ops, resourceGroup, name, app.latestReadyRevisionName);
  if (!serving && app.latestRevisionName) {
    // A revision whose replicas never pass their probes fails here, not in the ARM deployment.
    const latest = await ops.apps.revision(resourceGroup, name, app.latestRevisionName);
    if (latest?.provisioningState === 'Failed' || latest?.runningState === 'Failed') {
      const why = latest.provisioningError ?? 'its replicas did not become ready';
      return {
        provisioningState: 'Failed',
        error: `Revision ${app.latestRevisionName} failed: ${why}`,
        ...(url ? { url } : {}),
        scale,
      };
    }
  }
  return { provisioningState: serving ? 'Succeeded' : inProgress, ...(url ? { url } : {}), scale };
}
