/**
 * Composes the local host: embedded services, the app, the Durable engine, timers, the blob
 * listener and the HTTP front door; and stops them in reverse order.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadApp, terminateApp } from './appLoader';
import { renderBanner } from './banner';
import { state } from './core/functionsCore';
import { describeFunctions, type BlobFunction, type HttpFunction, type TimerFunction } from './functionCatalog';
import { freePort } from '../shared/net/freePort';
import { FrontDoor } from './http/frontDoor';
import { checkHttpFunctions } from './http/httpRouteChecks';
import type { HostKeys } from './http/hostKeys';
import { loadLocalSecrets } from './localSecrets';
import type { HostLogger } from './hostLogger';
import type { HostSettings } from './hostSettings';
import { setInvocationLogSink } from './invoker';
import { startServicesProcess } from './services/servicesProcess';
import { adminHandler } from './adminRoutes';
import { LocalCompute } from './compute/localCompute';
import { startTriggers } from './triggers';

/**
 * Called once the host serves requests, before the banner: may prepare the app (e.g. seed a demo)
 * and return a ready-to-paste command for the banner's "Try it".
 */
export type AfterStart = (host: { baseUrl: string; keys: HostKeys; log: HostLogger }) => Promise<string | undefined>;

/**
 * Called once storage and Cosmos are up and their settings are in the environment, before the app
 * loads: may start companions the app needs (e.g. a local scorer) and return how to stop them.
 */
export type BeforeLoad = (log: HostLogger) => Promise<(() => Promise<void>) | undefined>;

export interface HostHooks {
  beforeLoad?: BeforeLoad;
  afterStart?: AfterStart;
}

export interface RunningHost {
  baseUrl: string;
  port: number;
  keys: HostKeys;
  stop(): Promise<void>;
}

type Stopper = { name: string; stop: () => Promise<void> };

export async function startHost(settings: HostSettings, log: HostLogger, hooks: HostHooks = {}): Promise<RunningHost> {
  const started = performance.now();
  fs.mkdirSync(settings.dataDir, { recursive: true });
  const stoppers: Stopper[] = [];
  const stopAll = async () => {
    for (const s of stoppers.reverse()) {
      try {
        await s.stop();
      } catch (error) {
        log.warn(`Stopping ${s.name} failed: ${(error as Error).message}`);
      }
    }
  };
  try {
    const services = await startServicesProcess({
      dataDir: settings.dataDir,
      inMemory: false,
      externalStorage: settings.externalStorage,
      externalCosmos: settings.externalCosmos,
      log,
    });
    stoppers.push({ name: 'embedded services', stop: () => services.stop() });
    if (services.storage) process.env.AzureWebJobsStorage = services.storage.connectionString;
    if (services.cosmos) {
      process.env.COSMOS_ENDPOINT = services.cosmos.endpoint;
      process.env.COSMOS_KEY = services.cosmos.key;
    }
    const port = settings.port === 0 ? await freePort() : settings.port;
    const baseUrl = `http://127.0.0.1:${port}`;
    // What the app and durable-functions expect to find, as under the real host (docs/local-host-contract.md, "The Node worker protocol").
    process.env.FUNCTIONS_WORKER_RUNTIME = 'node';
    process.env.AzureWebJobsScriptRoot = settings.appDir;
    process.env.AZURE_FUNCTIONS_ENVIRONMENT ??= 'Development';
    process.env.WEBSITE_HOSTNAME = `127.0.0.1:${port}`;
    const secrets = loadLocalSecrets(settings.dataDir, {
      functionKey: settings.functionKey,
      masterKey: settings.masterKey,
      tokenSigningKey: process.env.SIBYL_TOKEN_SIGNING_KEY,
      keyEncryptionKey: process.env.SIBYL_KEY_ENCRYPTION_KEY,
    });
    const keys: HostKeys = {
      masterKey: secrets.masterKey,
      functionKey: secrets.functionKey,
      durableKey: secrets.durableKey,
    };
    // The app's secrets, as Key Vault references would provide them in Azure.
    process.env.SIBYL_TOKEN_SIGNING_KEY = secrets.tokenSigningKey;
    process.env.SIBYL_KEY_ENCRYPTION_KEY = secrets.keyEncryptionKey;
    process.env.SIBYL_FUNCTION_KEY = secrets.functionKey;

    setInvocationLogSink(({ functionName, invocationId, level, category, message }) => {
      if (category === 'system' && (level === 'debug' || level === 'trace' || level === 'information'))
        return log.debug(`[${functionName}] ${message}`);
      const line = `[${functionName}] ${message}`;
      if (level === 'error' || level === 'critical') log.error(`${line} (invocation ${invocationId})`);
      else if (level === 'warning') log.warn(line);
      else if (level === 'debug' || level === 'trace') log.debug(line);
      else log.info(line);
    });
    state.logSink = ({ level, message }) =>
      level === 'error' || level === 'critical' ? log.error(message) : log.debug(message);

    const compute = await startLocalCompute(baseUrl, keys.masterKey, settings.dataDir, log);
    stoppers.push({ name: 'the local compute', stop: () => compute.stop() });
    const stopCompanions = await hooks.beforeLoad?.(log);
    if (stopCompanions) stoppers.push({ name: 'companions', stop: stopCompanions });
    const app = await loadApp(settings.appDir);
    stoppers.push({ name: 'the app', stop: () => terminateApp() });
    if (state.programmingModels.length > 1)
      log.warn(`Several copies of @azure/functions registered; using ${state.programmingModels.at(-1)}.`);
    const functions = describeFunctions();
    const triggers = await startTriggers({ settings, functions, baseUrl, durableKey: keys.durableKey, log });
    stoppers.push({ name: 'triggers', stop: () => triggers.stop() });

    const http = checkHttpFunctions(functions.filter((f): f is HttpFunction => f.kind === 'http'));
    for (const { name, reason } of http.rejected) log.error(`The function '${name}' was not loaded: ${reason}`);
    const door = new FrontDoor({
      functions: http.accepted,
      routePrefix: settings.routePrefix,
      keys,
      authEnabled: settings.authEnabled,
      maxBodyBytes: settings.maxBodyBytes,
      homepageDisabled: settings.homepageDisabled,
      http: settings.http,
      functionTimeoutMs: settings.functionTimeoutMs,
      log,
      durable: triggers.durable,
      admin: adminHandler({ functions, timers: triggers.timers, startedAt: new Date(), compute }),
    });
    await door.listen(port);
    stoppers.push({ name: 'the HTTP server', stop: () => door.close() });
    const tryIt = hooks.afterStart ? await hooks.afterStart({ baseUrl, keys, log }) : undefined;
    log.info(
      renderBanner({
        baseUrl,
        functionKey: keys.functionKey,
        authEnabled: settings.authEnabled,
        dataDir: settings.dataDir,
        functions,
        routePrefix: settings.routePrefix,
        services: [
          services.storage ? `Azurite ${services.storage.blobEndpoint}` : 'storage: AzureWebJobsStorage (external)',
          services.cosmos
            ? `Cosmos ${services.cosmos.endpoint}`
            : `Cosmos ${process.env.COSMOS_ENDPOINT ?? ''} (external)`,
        ],
        tryIt,
        showKeys: process.stdout.isTTY === true || /^(1|true|yes)$/i.test(process.env.SIBYL_SHOW_KEYS ?? ''),
      }),
    );
    log.info(
      `Ready in ${Math.round(performance.now() - started)} ms (${app.entryFiles.length} entry files, ${functions.length} functions).`,
    );
    return { baseUrl, port, keys, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** What a replica may see of the host's environment: never the host's keys, only storage and the scorer's own. */
const REPLICA_ENV = new RegExp(
  '^(' +
    ['PATH', 'HOME', 'TMPDIR', 'TEMP', 'LANG', 'LD_LIBRARY_PATH', 'SYSTEMROOT', 'AzureWebJobsStorage(__.*)?']
      .concat(['SIBYL_SCORER_KEY', 'SIBYL_MAX_.*', 'SIBYL_PYTHON', 'PIP_[A-Z_]+'])
      .join('|') +
    ')$',
);

/** A user-code replica may install its Python packages before it serves (environments issue). */
const USER_CODE_START_TIMEOUT_MS = 15 * 60_000;

/**
 * Container Apps, played locally: per-deployment scorer replicas behind the provider's ingress,
 * managed through `admin/compute/…`. The app finds it through `SIBYL_COMPUTE*` settings.
 */
async function startLocalCompute(
  baseUrl: string,
  masterKey: string,
  dataDir: string,
  log: HostLogger,
): Promise<LocalCompute> {
  process.env.SIBYL_SCORER_KEY ||= randomBytes(24).toString('base64url');
  const baseEnv: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (REPLICA_ENV.test(name)) baseEnv[name] = value;
  const compute = await LocalCompute.start({
    scorerMain: path.resolve(__dirname, '..', 'scorer', 'main.js'),
    baseEnv,
    // No GPU workload profile here: `gpu` replicas run on the CPU, as the shared local scorer did.
    forcedEnv: {
      SIBYL_SCORER_EXECUTION_PROVIDERS: 'cpu',
      // Code assets and Python virtual environments, kept with the host's data (one venv per environment version).
      SIBYL_USER_CODE_DIR: path.join(dataDir, 'user-code'),
      SIBYL_SCORER_START_TIMEOUT_MS: String(USER_CODE_START_TIMEOUT_MS),
    },
    tickMs: Number(process.env.SIBYL_COMPUTE_TICK_MS) || 500,
    startTimeoutMs: 120_000,
    userCodeStartTimeoutMs: USER_CODE_START_TIMEOUT_MS,
    log: (message) => log.info(`[compute] ${message}`),
  });
  process.env.SIBYL_COMPUTE ||= 'local';
  process.env.SIBYL_COMPUTE_URL ||= baseUrl;
  process.env.SIBYL_COMPUTE_KEY ||= masterKey;
  return compute;
}

export type { BlobFunction, TimerFunction };
