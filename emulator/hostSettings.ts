/**
 * The emulator's own settings (env first, then `local.settings.json` Values, then defaults) and the
 * parts of `host.json` it honours. The emulator is development tooling; the app reads its settings
 * through shared/config.ts only.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HostLogLevel } from './hostLogger';
import { readHostHttpOptions, type HostHttpOptions, type HostJsonHttp } from './http/hostHttpOptions';

export interface HostSettings {
  appDir: string;
  port: number;
  dataDir: string;
  authEnabled: boolean;
  functionKey: string | undefined;
  masterKey: string | undefined;
  maxBodyBytes: number;
  /** `AzureWebJobsDisableHomepage` is `true` (any casing), as the host compares it. */
  homepageDisabled: boolean;
  blobPollIntervalMs: number;
  logLevel: HostLogLevel;
  routePrefix: string;
  /** host.json's request throttle and custom headers. */
  http: HostHttpOptions;
  hubName: string;
  maxConcurrentActivities: number;
  /** Worker threads that run activities (`SIBYL_ACTIVITY_WORKERS`, 0: in the main thread). */
  activityWorkers: number;
  maxConcurrentOrchestrations: number;
  functionTimeoutMs: number | undefined;
  /**
   * True when the app's storage / Cosmos settings are set (real Azure, or an emulator the user runs):
   * then the host starts nothing for them. Empty means "use the embedded one".
   */
  externalStorage: boolean;
  externalCosmos: boolean;
}

interface HostJson {
  version?: string;
  functionTimeout?: string;
  extensions?: {
    http?: HostJsonHttp;
    durableTask?: {
      hubName?: string;
      maxConcurrentActivityFunctions?: number;
      maxConcurrentOrchestratorFunctions?: number;
    };
  };
}

interface LocalSettingsJson {
  Values?: Record<string, string>;
}

function readJson<T>(file: string, required: boolean): T | undefined {
  if (!fs.existsSync(file)) {
    if (required) throw new Error(`${file} is missing.`);
    return undefined;
  }
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Copies `local.settings.json` Values into `env` without overriding what is already set (as the
 * host does), and reports which names it set.
 */
export function applyLocalSettings(appDir: string, env: NodeJS.ProcessEnv): string[] {
  const local = readJson<LocalSettingsJson>(path.join(appDir, 'local.settings.json'), false);
  const applied: string[] = [];
  for (const [name, value] of Object.entries(local?.Values ?? {})) {
    if (env[name] === undefined) {
      env[name] = String(value);
      applied.push(name);
    }
  }
  return applied;
}

/** `hh:mm:ss` or `d.hh:mm:ss` (a .NET TimeSpan) → ms. */
export function parseTimeSpan(text: string): number {
  const m = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new Error(`'${text}' is not a TimeSpan (hh:mm:ss).`);
  const [, d = '0', h, min, s] = m;
  return (((Number(d) * 24 + Number(h)) * 60 + Number(min)) * 60 + Number(s)) * 1000;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got '${raw}'.`);
  return n;
}

export function readHostSettings(appDir: string, env: NodeJS.ProcessEnv): HostSettings {
  const hostJson = readJson<HostJson>(path.join(appDir, 'host.json'), true) ?? {};
  if (hostJson.version !== '2.0') throw new Error(`host.json must have "version": "2.0".`);
  const durable = hostJson.extensions?.durableTask ?? {};
  const storage = env.AzureWebJobsStorage ?? '';
  const logLevel = (env.SIBYL_LOG_LEVEL ?? 'info').toLowerCase();
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel))
    throw new Error(`SIBYL_LOG_LEVEL must be debug, info, warn or error.`);
  return {
    appDir,
    port: int(env, 'SIBYL_PORT', 7071),
    dataDir: path.resolve(appDir, env.SIBYL_DATA_DIR || '.sibyl'),
    authEnabled: !/^(1|true|yes)$/i.test(env.SIBYL_DISABLE_AUTH ?? ''),
    functionKey: env.SIBYL_FUNCTION_KEY || undefined,
    masterKey: env.SIBYL_MASTER_KEY || undefined,
    // The host's own limit, as Azure's (100 MB unless set), apart from the app's SIBYL_MAX_REQUEST_BYTES: a
    // body between the two reaches the app, which refuses it with its documented 413, as it would in Azure.
    maxBodyBytes: int(env, 'SIBYL_MAX_BODY_BYTES', 100 * 1024 * 1024),
    homepageDisabled: (env.AzureWebJobsDisableHomepage ?? '').toLowerCase() === 'true',
    blobPollIntervalMs: int(env, 'SIBYL_BLOB_POLL_MS', 1000),
    logLevel: logLevel as HostLogLevel,
    routePrefix: hostJson.extensions?.http?.routePrefix ?? 'api',
    http: readHostHttpOptions(hostJson.extensions?.http),
    hubName: durable.hubName ?? 'TestHubName',
    maxConcurrentActivities: durable.maxConcurrentActivityFunctions ?? 10,
    activityWorkers: int(env, 'SIBYL_ACTIVITY_WORKERS', 0),
    maxConcurrentOrchestrations: durable.maxConcurrentOrchestratorFunctions ?? 10,
    functionTimeoutMs: hostJson.functionTimeout ? parseTimeSpan(hostJson.functionTimeout) : undefined,
    externalStorage:
      storage !== '' || Boolean(env.AzureWebJobsStorage__blobServiceUri || env.AzureWebJobsStorage__accountName),
    externalCosmos: Boolean(env.COSMOS_ENDPOINT),
  };
}
