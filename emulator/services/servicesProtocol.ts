/** What the host and its services process say to each other over the IPC channel (servicesProcess.ts). */
import type { EmbeddedServicesOptions } from './embeddedServices';

/** The services to start: everything of `EmbeddedServicesOptions` but the logger, which stays in the host. */
export type ServicesRequest = Omit<EmbeddedServicesOptions, 'log'>;

/** Where the services listen (what `EmbeddedServices` holds, less `stop`). */
export interface ServicesEndpoints {
  storage?: { connectionString: string; blobEndpoint: string; queueEndpoint: string; tableEndpoint: string };
  cosmos?: { endpoint: string; key: string };
}

export type ServicesMessage =
  | { type: 'ready'; endpoints: ServicesEndpoints }
  | { type: 'failed'; message: string }
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string };

/** Host → services: stop (flushing what is persisted), then exit. */
export interface StopServices {
  type: 'stop';
}

export function isServicesMessage(value: unknown): value is ServicesMessage {
  const type = (value as { type?: unknown } | null)?.type;
  return type === 'ready' || type === 'failed' || type === 'log';
}
