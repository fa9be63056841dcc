/**
 * `node dist/emulator/start.js [appDir]`: runs any Functions app (default: the current folder)
 * locally with its embedded services.
 */
import { installCoreResolver } from './coreResolver';

// Before anything can require '@azure/functions' (it caches a failed lookup of the core module).
installCoreResolver();

import * as path from 'node:path';
import { exitOnStartFailure, runHost } from './runHost';

runHost(path.resolve(process.argv[2] ?? process.cwd())).catch(exitOnStartFailure);
