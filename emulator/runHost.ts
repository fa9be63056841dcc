/**
 * Runs a Functions app until Ctrl-C: settings from the environment and `local.settings.json`, the
 * host, and a clean shutdown (app terminate hooks, every service stopped) on SIGINT/SIGTERM.
 */
import { startHost, type HostHooks } from './host';
import { createHostLogger } from './hostLogger';
import { applyLocalSettings, readHostSettings } from './hostSettings';
import { portProblem } from './portCheck';

export async function runHost(appDir: string, hooks: HostHooks = {}): Promise<void> {
  applyLocalSettings(appDir, process.env);
  const settings = readHostSettings(appDir, process.env);
  const taken = await portProblem(settings.port);
  if (taken) throw new Error(taken);
  const log = createHostLogger(settings.logLevel);
  const host = await startHost(settings, log, hooks);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      log.warn(`${signal} again: exiting now.`);
      process.exit(130);
    }
    stopping = true;
    log.info(`${signal} received: stopping…`);
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

/** Reports a start-up failure in one line and exits non-zero. */
export function exitOnStartFailure(error: unknown): never {
  process.stderr.write(`Could not start: ${(error as Error).message}\n`);
  process.exit(1);
}
