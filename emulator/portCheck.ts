/** Whether the host's port is free, checked before anything starts (services, the app, timers). */
import * as net from 'node:net';

/** Resolves undefined when `port` can be bound on `host`, else the one-line reason. */
export function portProblem(port: number, host = '127.0.0.1'): Promise<string | undefined> {
  if (port === 0) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => {
      resolve(
        error.code === 'EADDRINUSE'
          ? `Port ${port} is already in use (another Sibyl or Functions host?). ` +
              `Stop it, or set SIBYL_PORT to a free port, e.g. SIBYL_PORT=${port + 1} npm start.`
          : `Port ${port} cannot be used (${error.code ?? error.message}). Set SIBYL_PORT to another port.`,
      );
    });
    server.listen(port, host, () => server.close(() => resolve(undefined)));
  });
}
