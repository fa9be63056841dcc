/**
 * The local stack's storage and Cosmos DB (Azurite and the Cosmos server), in a process of their own, started
 * by the host (servicesProcess.ts), as Azure Storage and Cosmos DB are services apart from the Functions host.
 * Apart, their heaps (Azurite's metadata, the Cosmos account) do not weigh on every garbage collection of the
 * host, which costs each request there about 25 µs of CPU (issue 17), and their work runs beside the host's.
 *
 * `node dist/emulator/services/servicesMain.js '<ServicesRequest JSON>'`, with an IPC channel.
 */
import { startEmbeddedServices, type EmbeddedServices } from './embeddedServices';
import type { ServiceLogger } from './serviceLogger';
import type { ServicesMessage, ServicesRequest } from './servicesProtocol';

process.title = 'sibyl-services';

function tell(message: ServicesMessage): void {
  process.send?.(message);
}

const log: ServiceLogger = {
  debug: (message) => tell({ type: 'log', level: 'debug', message }),
  info: (message) => tell({ type: 'log', level: 'info', message }),
  warn: (message) => tell({ type: 'log', level: 'warn', message }),
  error: (message) => tell({ type: 'log', level: 'error', message }),
};

// Ctrl-C reaches the whole process group: the host stops the services itself, after the app, so that
// nothing the app writes while it stops is lost.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);
// The host is gone without a word (killed): go as abruptly, as the services did when they ran inside it.
process.on('disconnect', () => process.exit(1));

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? '{}') as ServicesRequest;
  let services: EmbeddedServices;
  try {
    services = await startEmbeddedServices({ ...request, log });
  } catch (error) {
    tell({ type: 'failed', message: (error as Error).message });
    process.disconnect?.();
    return;
  }
  process.on('message', (message: unknown) => {
    if ((message as { type?: unknown } | null)?.type !== 'stop') return;
    void services.stop().finally(() => process.exit(0));
  });
  tell({
    type: 'ready',
    endpoints: {
      ...(services.storage ? { storage: services.storage } : {}),
      ...(services.cosmos ? { cosmos: services.cosmos } : {}),
    },
  });
}

void main();
