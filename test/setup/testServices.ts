/**
 * What globalSetup hands to globalTeardown (same process; Jest shares `globalThis` between them).
 */
import type { EmbeddedServices } from '../../emulator/services/embeddedServices';

const KEY = Symbol.for('sibyl.testServices');

type Holder = typeof globalThis & { [KEY]?: EmbeddedServices };

export function keepTestServices(services: EmbeddedServices): void {
  (globalThis as Holder)[KEY] = services;
}

export function takeTestServices(): EmbeddedServices | undefined {
  const holder = globalThis as Holder;
  const services = holder[KEY];
  delete holder[KEY];
  return services;
}
