/**
 * A scorer app's console logs: the last lines of each replica container's log stream, read with the
 * app's short-lived log stream token, secrets redacted, merged in time order.
 */
import type { ReplicaLogLine } from '../computeTypes';
import type { ArmOperations } from './armOperations';
import { logStreamUrl, parseLogStream } from './consoleLogStream';

/**
 * The last `lines` lines of each replica of the latest revision and of the one serving (they differ
 * while an update rolls out or after it failed: then the failed replicas' lines are the useful ones).
 */
export async function replicaLogs(
  ops: ArmOperations,
  resourceGroup: string,
  name: string,
  lines: number,
  secretValues: readonly string[],
): Promise<ReplicaLogLine[] | undefined> {
  const app = await ops.apps.get(resourceGroup, name);
  if (!app) return undefined;
  const revisions = [...new Set([app.latestRevisionName, app.latestReadyRevisionName])].filter((r): r is string => !!r);
  const replicas = (await Promise.all(revisions.map((r) => ops.apps.replicas(resourceGroup, name, r)))).flat();
  const streams = replicas.flatMap((replica) =>
    (replica.containers ?? [])
      .filter((c) => c.logStreamEndpoint)
      .map((c) => ({ replica: replica.name ?? '', url: logStreamUrl(c.logStreamEndpoint!, lines) })),
  );
  if (!streams.length) return [];
  const token = await ops.apps.authToken(resourceGroup, name);
  const each = await Promise.all(
    streams.map(async (s) => parseLogStream(await ops.consoleLog(s.url, token), s.replica, secretValues)),
  );
  return each.flatMap((l) => l.slice(-lines)).sort((a, b) => a.time.localeCompare(b.time));
}
