/**
 * `npm start` / `node dist/emulator/start.js [appDir]`: runs a Functions app locally with its
 * embedded services, prints the banner, and shuts everything down on Ctrl-C.
 */
import { installCoreResolver } from './coreResolver';

// Before anything can require '@azure/functions' (it caches a failed lookup of the core module).
installCoreResolver();

import * as path from 'node:path';
import { startHost } from './host';
import { createHostLogger } from './hostLogger';
import { applyLocalSettings, readHostSettings } from './hostSettings';

async function main(): Promise<void> {
  const appDir = path.resolve(process.argv[2] ?? process.cwd());
  applyLocalSettings(appDir, process.env);
  const settings = readHostSettings(appDir, process.env);
  const log = createHostLogger(settings.logLevel);
  const host = await startHost(settings, log);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      log.warn(`${signal} again: exiting now.`);
      process.exit(130);
    }
    stopping = true;
    log.info(`${signal} received: stopping Sibyl…`);
    host
      .stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        log.error(`Shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Sibyl could not start: ${(error as Error).message}\n`);
  process.exit(1);
});
