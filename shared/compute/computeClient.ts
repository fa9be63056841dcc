/** The compute client the app uses, with the transport its configuration names (`SIBYL_COMPUTE`). */
import { getConfig } from '../config';
import { armComputeConfig } from './computeSettings';
import { SibylError } from '../errors';
import type { ComputeClient } from './computeTypes';
import { ArmComputeClient } from './azure/armComputeClient';
import { LocalComputeClient } from './localComputeClient';

let client: ComputeClient | undefined;

export function getComputeClient(): ComputeClient {
  if (client) return client;
  const config = getConfig();
  const settings = config.compute;
  if (settings.kind === 'local') {
    client = new LocalComputeClient(settings.url!, settings.key!);
    return client;
  }
  if (settings.kind === 'azure') {
    // A missing or malformed SIBYL_COMPUTE_* setting is a 503 naming it, on this call and every next one.
    client = new ArmComputeClient({ config: armComputeConfig(settings.azure), secretValues: config.secretValues });
    return client;
  }
  throw new SibylError(
    'ServiceUnavailable',
    'No compute is configured for container and gpu deployments: set SIBYL_COMPUTE (the local host sets it).',
  );
}
