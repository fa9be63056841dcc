/** The compute client the app uses, with the transport its configuration names (`SIBYL_COMPUTE`). */
import { getConfig } from '../config';
import { SibylError } from '../errors';
import type { ComputeClient } from './computeTypes';
import { LocalComputeClient } from './localComputeClient';

let client: ComputeClient | undefined;

export function getComputeClient(): ComputeClient {
  if (client) return client;
  const settings = getConfig().compute;
  if (settings.kind === 'local') {
    client = new LocalComputeClient(settings.url!, settings.key!);
    return client;
  }
  // The ARM transport (shared/compute/azure/) is chosen here for `azure`.
  throw new SibylError(
    'ServiceUnavailable',
    settings.kind === 'azure'
      ? 'The Azure compute transport is not available in this build: container and gpu deployments cannot run.'
      : 'No compute is configured for container and gpu deployments: set SIBYL_COMPUTE (the local host sets it).',
  );
}
