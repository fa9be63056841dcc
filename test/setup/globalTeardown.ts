/** Jest global teardown: stops what globalSetup started, so no socket or timer keeps Jest alive. */
import { takeTestServices } from './testServices';

export default async function globalTeardown(): Promise<void> {
  await takeTestServices()?.stop();
}
