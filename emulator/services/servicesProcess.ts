/**
 * Starts the embedded services (servicesMain.ts) in a child process and hands the host the same
 * `EmbeddedServices` as starting them in its own process would: endpoints, and a `stop` that flushes
 * what they persist. Their log lines come to the host's logger. The child leaves with the host: stopped by
 * `stop`, or at once when the host dies.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { EmbeddedServices, EmbeddedServicesOptions } from './embeddedServices';
import { quietServiceLogger } from './serviceLogger';
import { isServicesMessage, type ServicesEndpoints, type ServicesRequest, type StopServices } from './servicesProtocol';

const MAIN = path.join(__dirname, 'servicesMain.js');
/** How long the services get to flush and exit before they are killed. */
const STOP_GRACE_MS = 30_000;

export async function startServicesProcess(options: EmbeddedServicesOptions): Promise<EmbeddedServices> {
  const { log = quietServiceLogger, ...rest } = options;
  if (rest.externalStorage && rest.externalCosmos) return { stop: () => Promise.resolve() };
  const request: ServicesRequest = rest;
  // No inherited node flags (a profiler, a test's preload): the child runs the services and nothing else.
  const child = fork(MAIN, [JSON.stringify(request)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.on('message', (message: unknown) => {
    if (isServicesMessage(message) && message.type === 'log') log[message.level](message.message);
  });
  const endpoints = await new Promise<ServicesEndpoints>((resolve, reject) => {
    const onMessage = (message: unknown) => {
      if (!isServicesMessage(message) || message.type === 'log') return;
      child.off('message', onMessage);
      if (message.type === 'ready') resolve(message.endpoints);
      else reject(new Error(message.message));
    };
    child.on('message', onMessage);
    void exited.then(() => reject(new Error(`The services process exited before it was ready (${exitOf(child)}).`)));
  });
  let stopping: Promise<void> | undefined;
  void exited.then(() => {
    if (!stopping)
      log.error(
        `The storage and Cosmos DB services exited on their own (${exitOf(child)}): ` +
          'what needs them fails until Sibyl is restarted.',
      );
  });
  return {
    ...endpoints,
    stop() {
      stopping ??= stopChild(child, exited);
      return stopping;
    },
  };
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  if (child.connected) child.send({ type: 'stop' } satisfies StopServices);
  const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(killer);
}

function exitOf(child: ChildProcess): string {
  return child.signalCode ? `signal ${child.signalCode}` : `code ${child.exitCode}`;
}
