/**
 * A deployment's logs: the console of its replicas, read through the compute client (the local
 * host's replica processes, or Container Apps' log stream). Only `container`/`gpu` deployments have
 * replicas of their own; a `functions` deployment runs inside the Function App.
 */
import { DEFAULT_LOG_LINES, type DeploymentLogs } from '../api/schemas';
import { getComputeClient } from '../compute/computeClient';
import { getConfig } from '../config';
import { SibylError } from '../errors';
import { resolveEnvironment } from '../registry/environments';
import { getSnapshot } from './endpointStore';

export async function getDeploymentLogs(
  endpoint: string,
  deployment: string,
  lines = DEFAULT_LOG_LINES,
): Promise<DeploymentLogs> {
  const snapshot = await getSnapshot(endpoint, { fresh: true });
  const doc = snapshot.deployments.find((d) => d.name === deployment);
  if (!doc) {
    // A deployment whose first create failed is not stored, but its replicas' console says why it failed.
    const failed = getConfig().compute.kind ? await getComputeClient().logs(endpoint, deployment, lines) : undefined;
    if (failed) return { endpoint, deployment, lines: failed };
    throw new SibylError('DeploymentNotFound', `Endpoint '${endpoint}' has no deployment '${deployment}'.`);
  }
  const environment = await resolveEnvironment(doc.environment);
  const kind = environment.compute?.kind ?? 'functions';
  if (kind === 'functions') {
    throw new SibylError(
      'InvalidInput',
      `Deployment '${deployment}' runs on the 'functions' compute kind, inside the Function App: logs exist for ` +
        `container and gpu deployments only. Its requests show in GET api/endpoints/${endpoint}/metrics and in ` +
        "the Function App's Application Insights.",
    );
  }
  const found = await getComputeClient().logs(endpoint, deployment, lines);
  return { endpoint, deployment, lines: found ?? [] };
}

/** The lines as text, one per line: `<replica> <stream> <time> <text>`. */
export function logsAsText(logs: DeploymentLogs): string {
  return logs.lines.map((l) => `${l.replica} ${l.stream} ${l.time || '-'} ${l.text}\n`).join('');
}
