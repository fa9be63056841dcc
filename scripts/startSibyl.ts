/**
 * `npm start`: Sibyl on the local Functions host (whose local compute provider runs the replicas of
 * `container`/`gpu` deployments) with the horoscope demo deployed on first start. (`scripts/start.mjs`
 * installs and builds, then runs this.) `SIBYL_DEMO=false` skips the demo; activities run in one worker
 * thread per core (at most 4) unless `SIBYL_ACTIVITY_WORKERS` says otherwise (0: in the main thread).
 */
import { installCoreResolver } from '../emulator/coreResolver';

// Before anything can require '@azure/functions' (it caches a failed lookup of the core module).
installCoreResolver();

import * as os from 'node:os';
import * as path from 'node:path';
import { exitOnStartFailure, runHost } from '../emulator/runHost';
import { seedDemo } from './demo/seedDemo';

const root = path.resolve(__dirname, '..', '..');
// Activities (batch mini-batches) use every core, as Azure scales them out; tests opt in themselves.
process.env.SIBYL_ACTIVITY_WORKERS ??= String(Math.min(4, os.availableParallelism()));

runHost(root, {
  afterStart: async ({ baseUrl, keys, log }) => {
    if (/^(0|false|no)$/i.test(process.env.SIBYL_DEMO ?? '')) return undefined;
    try {
      return await seedDemo(baseUrl, keys.functionKey);
    } catch (error) {
      log.warn(`The horoscope demo could not be deployed: ${(error as Error).message}`);
      return undefined;
    }
  },
}).catch(exitOnStartFailure);
