/** The local host one describe block drives: started before its tests over the run's services, stopped after. */
import { REPO_ROOT, startHost, type HostProcess } from '../../../support/hostProcess';
import { HOST_START_MS, ServingClient } from './servingClient';

/**
 * Starts the host before the enclosing block's tests and stops it after them; `onStart` gets a client for it.
 *
 * @example
 *   let sibyl: ServingClient;
 *   servingHost((client) => (sibyl = client));
 */
export function servingHost(onStart: (client: ServingClient) => void): void {
  let host: HostProcess | undefined;
  beforeAll(async () => {
    host = await startHost({ appDir: REPO_ROOT });
    onStart(new ServingClient(host));
  }, HOST_START_MS);
  afterAll(async () => {
    await host?.stop();
  });
}
