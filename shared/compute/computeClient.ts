/** The compute client the app uses, with the transport its configuration names (`SIBYL_COMPUTE`). */
import { getConfig } from '../config';
import { SibylError } from '../errors';
import type { ComputeClient } from './computeTypes';
import { ArmComputeClient } from './azure/armComputeClient';
import { LocalComputeClient } from './localComputeClient';

let client: ComputeClient | undefined;

export function getComputeClient(): ComputeClient {
  if (client) return client;
  const settings = getConfig().compute;
  if (settings.kind === 'local') {
    client = new LocalComputeClient(settings.url!, settings.key!);
    return client;
  }
  if (settings.kind === 'azure') {
    // Reads SIBYL_COMPUTE_* now: a missing one is a 503 naming it, and the next call tries again.
    client = new ArmComputeClient();
    return client;
  }
  throw new SibylError(
    'ServiceUnavailable',
    'No compute is configured for container and gpu deployments: set SIBYL_COMPUTE (the local host sets it).',
  );
}
