/**
 * Validation of a monitor before it is stored: at least one signal, a non-zero window, a valid cron,
 * and an endpoint, deployment and baseline datastore that exist. Bad definitions answer 400 with the
 * reason; a missing endpoint, deployment or datastore, 404.
 *
 * @example await checkMonitor(spec);
 */
import type { MonitorSpec } from '../api/schemas';
import { readDatastoreDoc } from '../datastores/datastoreStore';
import { getSnapshot } from '../endpoints/endpointStore';
import { SibylError } from '../errors';
import { cronOf } from '../schedules/scheduleDocuments';
import { isRecurrence, windowMs } from './monitorDocuments';

function invalid(message: string, target: string): SibylError {
  return new SibylError('InvalidInput', message, [{ target, message }]);
}

export async function checkMonitor(spec: MonitorSpec): Promise<void> {
  if (!spec.signals.dataDrift && !spec.signals.predictionDrift) {
    throw invalid(
      'A monitor needs at least one signal: set signals.dataDrift and/or signals.predictionDrift, ' +
        'e.g. {"dataDrift": {"metric": "psi", "threshold": 0.2}}.',
      'signals',
    );
  }
  if (spec.window !== undefined && !(windowMs(spec.window) > 0)) {
    throw invalid(
      `window '${spec.window}' is empty; give a positive ISO 8601 duration such as 'PT24H' or 'P7D'.`,
      'window',
    );
  }
  if (spec.trigger && !isRecurrence(spec.trigger)) {
    try {
      cronOf(spec.trigger);
    } catch (error) {
      throw invalid(
        `${(error as Error).message.replace(/^Invalid schedule/, 'Cron')} Use NCRONTAB as schedules do, e.g. '0 0 * * * *' (hourly).`,
        'trigger.cron',
      );
    }
  }
  const snapshot = await getSnapshot(spec.endpoint, { fresh: true });
  if (!snapshot.deployments.some((d) => d.name === spec.deployment)) {
    throw new SibylError(
      'DeploymentNotFound',
      `Endpoint '${spec.endpoint}' has no deployment '${spec.deployment}'; ` +
        `monitor one of: ${snapshot.deployments.map((d) => d.name).join(', ') || '(none yet)'}.`,
    );
  }
  await readDatastoreDoc(spec.baseline.datastore);
}
