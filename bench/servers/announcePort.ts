/** How a benchmark server child tells its parent where it listens: one JSON line on stdout. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The line's shape, parsed by `startChildServer`. */
export interface PortAnnouncement {
  port: number;
}

export function announcePort(server: Server): void {
  // The parent stops a server with SIGINT: exit normally so that `--cpu-prof` writes its profile.
  process.once('SIGINT', () => process.exit(0));
  const announcement: PortAnnouncement = { port: (server.address() as AddressInfo).port };
  process.stdout.write(`${JSON.stringify(announcement)}\n`);
}
