/**
 * `npm start`: Sibyl on the local Functions host, with a local scorer for `container`/`gpu`
 * deployments and the horoscope demo deployed on first start. (`scripts/start.mjs` installs and
 * builds, then runs this.) `SIBYL_DEMO=false` skips the demo; a set `SIBYL_SCORER_URL` skips the
 * local scorer; activities run in one worker thread per core (at most 4) unless
 * `SIBYL_ACTIVITY_WORKERS` says otherwise (0: in the main thread).
 */
import { installCoreResolver } from '../emulator/coreResolver';

// Before anything can require '@azure/functions' (it caches a failed lookup of the core module).
installCoreResolver();

import * as os from 'node:os';
import * as path from 'node:path';
import { exitOnStartFailure, runHost } from '../emulator/runHost';
import { seedDemo } from './demo/seedDemo';
import { startLocalScorer } from './localScorer';

const root = path.resolve(__dirname, '..', '..');
// Activities (batch mini-batches) use every core, as Azure scales them out; tests opt in themselves.
process.env.SIBYL_ACTIVITY_WORKERS ??= String(Math.min(4, os.availableParallelism()));

runHost(root, {
  beforeLoad: async (log) => {
    if (process.env.SIBYL_SCORER_URL || process.env.SIBYL_SCORER_GPU_URL || process.env.SIBYL_SCORER_CPU_URL) return undefined;
    const scorer = await startLocalScorer(process.env.AzureWebJobsStorage ?? '');
    process.env.SIBYL_SCORER_URL = scorer.url;
    process.env.SIBYL_SCORER_KEY = scorer.key;
    log.info(`Local scorer (CPU) for container and gpu deployments: ${scorer.url}`);
    return () => scorer.stop();
  },
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
