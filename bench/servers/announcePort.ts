/** How a benchmark server child tells its parent where it listens: one JSON line on stdout. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The line's shape, parsed by `startChildServer`. */
export interface PortAnnouncement {
  port: number;
}

export function announcePort(server: Server): void {
  const announcement: PortAnnouncement = { port: (server.address() as AddressInfo).port };
  process.stdout.write(`${JSON.stringify(announcement)}\n`);
}
