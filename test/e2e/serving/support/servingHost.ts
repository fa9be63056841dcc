/** The local host one describe block drives: started before its tests over the run's services, stopped after. */
import { REPO_ROOT, startHost, type HostProcess } from '../../../support/hostProcess';
import { AUDIENCE, TENANT, startLocalEntraId, type LocalEntraId } from '../../../unit/endpoints/auth/localEntraId';
import { HOST_START_MS, ServingClient } from './servingClient';

export interface ServingHostOptions {
  /** Settings added to the host's environment. */
  env?: Record<string, string>;
  /** Start a local Entra ID (its JWKS stands in for Entra's) and point the host's `aad` auth at it. */
  entra?: boolean;
  /** For the whole beforeAll, `onStart` included (deployments that start replicas take longer). */
  timeoutMs?: number;
}

/**
 * Starts the host before the enclosing block's tests and stops it after them; `onStart` gets a client for it
 * (and the local Entra ID when `options.entra` asks for one).
 *
 * @example
 *   let sibyl: ServingClient;
 *   servingHost((client) => (sibyl = client));
 */
export function servingHost(
  onStart: (client: ServingClient, entra: LocalEntraId | undefined) => unknown,
  options: ServingHostOptions = {},
): void {
  let host: HostProcess | undefined;
  let entra: LocalEntraId | undefined;
  beforeAll(async () => {
    if (options.entra) entra = await startLocalEntraId();
    const aad: Record<string, string> = entra
      ? { SIBYL_AAD_TENANT_ID: TENANT, SIBYL_AAD_AUDIENCE: AUDIENCE, SIBYL_AAD_JWKS_URI: entra.jwksUri }
      : {};
    host = await startHost({ appDir: REPO_ROOT, env: { ...aad, ...options.env } });
    await onStart(new ServingClient(host), entra);
  }, options.timeoutMs ?? HOST_START_MS);
  afterAll(async () => {
    await host?.stop();
    await entra?.close();
  });
}
