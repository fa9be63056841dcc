/**
 * Every setting Sibyl reads, declared once, parsed and validated at start, then frozen.
 * App settings in Azure, `local.settings.json` locally. Nothing else reads `process.env`.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SibylError } from './errors';
import { parseSchedule } from './schedules/ncrontab';

export type StorageSettings =
  /** Azurite or a storage account reached with a connection string. */
  | { kind: 'connectionString'; connectionString: string }
  /** A storage account reached with its managed identity (`AzureWebJobsStorage__blobServiceUri`). */
  | { kind: 'identity'; blobServiceUri: string; queueServiceUri?: string };

export type CosmosSettings =
  | { kind: 'key'; endpoint: string; key: string; database: string }
  | { kind: 'identity'; endpoint: string; database: string };

export interface SibylConfig {
  storage: StorageSettings;
  cosmos: CosmosSettings;
  /** Request bodies larger than this answer 413 in the app (bytes). Default 100 MB. */
  maxRequestBytes: number;
  /** Largest tensor (elements) a request may declare before it is refused. Default 64M. */
  maxTensorElements: number;
  /** Secret used to sign endpoint tokens (HS256); from Key Vault in Azure. */
  tokenSigningKey: string | undefined;
  /**
   * Secret from which the AES-256-GCM key that seals endpoint keys at rest is derived
   * (`SIBYL_KEY_ENCRYPTION_KEY`); from Key Vault in Azure. Changing it makes stored endpoint keys unreadable.
   */
  keyEncryptionKey: string | undefined;
  /** Microsoft Entra ID settings for `aad` endpoints. */
  aad: { tenantId: string | undefined; audience: string | undefined; jwksUri: string | undefined; issuer: string | undefined };
  /**
   * The control-plane function key as the app itself may check it (`SIBYL_FUNCTION_KEY`): routes that
   * take either a data-plane credential or the control-plane key (the token route) compare against it.
   * In Azure Bicep sets the same value as a host key and as this setting (a Key Vault reference).
   */
  controlPlaneKey: string | undefined;
  /** How the app authenticates to the scorer apps of `container`/`gpu` deployments. */
  scorer: ScorerClientSettings;
  /** Caps on archives unpacked at registration (models, code assets). */
  archives: ArchiveSettings;
  /** Where loaded model folders are kept on local disk. */
  modelCache: ModelCacheSettings;
  /** Where `container`/`gpu` deployments get their replicas (the compute client's transport). */
  compute: ComputeSettings;
  /** Test-only hooks of batch scoring; never set in Azure. */
  batchTestHooks: BatchTestHooks;
  /** How pipeline schedules are driven (the scheduler timer and the blob trigger). */
  scheduler: SchedulerSettings;
}

/**
 * The scheduler of pipeline schedules. `SIBYL_SCHEDULER_CRON` is the NCRONTAB schedule (six fields) of
 * the timer that starts due cron schedules (default every minute, `0 * * * * *`; tests use every
 * second); a schedule cannot fire more often than this timer runs. `SIBYL_SCHEDULER_CONTAINER` is the
 * Blob container whose new and changed blobs start change-based schedules (default
 * `workspaceblobstore`); only datastores in that container can have change-based schedules.
 */
export interface SchedulerSettings {
  cron: string;
  watchedContainer: string;
}

/**
 * `SIBYL_MAX_ARCHIVE_FILES` (default 10000) and `SIBYL_MAX_UNPACKED_BYTES` (default 20 GiB) cap an
 * uploaded `.zip` or `.tar.gz` while it is unpacked; past either, the upload is refused (400).
 */
export interface ArchiveSettings {
  maxFiles: number;
  maxUnpackedBytes: number;
}

/**
 * Model folders are downloaded (and their checksums verified) into `SIBYL_MODEL_CACHE_DIR` (default
 * `<tmp>/sibyl-models`), at most `SIBYL_MODEL_CACHE_BYTES` in all (default 10 GiB), least recently
 * used first out.
 */
export interface ModelCacheSettings {
  dir: string;
  maxBytes: number;
}

function archiveSettings(env: Env, problems: ConfigProblems): ArchiveSettings {
  return {
    maxFiles: positiveInt(env, 'SIBYL_MAX_ARCHIVE_FILES', 10_000, problems),
    maxUnpackedBytes: positiveInt(env, 'SIBYL_MAX_UNPACKED_BYTES', 20 * 1024 ** 3, problems),
  };
}

function modelCacheSettings(env: Env, problems: ConfigProblems): ModelCacheSettings {
  return {
    dir: env.SIBYL_MODEL_CACHE_DIR || join(tmpdir(), 'sibyl-models'),
    maxBytes: positiveInt(env, 'SIBYL_MODEL_CACHE_BYTES', 10 * 1024 ** 3, problems),
  };
}

/**
 * Test-only ways to make batch mini-batches slow, deterministically: `SIBYL_TEST_BATCH_DELAY_MS`
 * delays every mini-batch (so a test can cancel or crash a job mid-way); `SIBYL_TEST_BATCH_SLOW_ONCE`
 * = `<miniBatchIndex>:<delayMs>` delays that mini-batch's first attempt in this process only (so it
 * times out and its retry succeeds).
 */
export interface BatchTestHooks {
  delayMs: number;
  slowOnce: { miniBatch: number; delayMs: number } | undefined;
}

/** How the app reaches the scorer: a shared key, or else an Entra token for `audience` (managed identity). */
export interface ScorerClientSettings {
  key: string | undefined;
  audience: string | undefined;
}

/**
 * `SIBYL_COMPUTE`: `local` is the local host's compute provider, reached at `SIBYL_COMPUTE_URL` (the
 * host's base URL) with its master key in `SIBYL_COMPUTE_KEY` (the host sets all three); `azure` is
 * Container Apps through Azure Resource Manager. Unset, `container`/`gpu` deployments are refused.
 */
export interface ComputeSettings {
  kind: 'local' | 'azure' | undefined;
  url: string | undefined;
  key: string | undefined;
}

type Env = Record<string, string | undefined>;

class ConfigProblems {
  readonly list: string[] = [];
  add(problem: string): void {
    this.list.push(problem);
  }
}

function positiveInt(env: Env, name: string, fallback: number, problems: ConfigProblems): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) {
    problems.add(`${name} must be a positive integer, got '${raw}'.`);
    return fallback;
  }
  return n;
}

function nonNegativeInt(env: Env, name: string, fallback: number, problems: ConfigProblems): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) {
    problems.add(`${name} must be a whole number ≥ 0, got '${raw}'.`);
    return fallback;
  }
  return n;
}

function url(env: Env, name: string, problems: ConfigProblems): string | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  try {
    return new URL(raw).href.replace(/\/$/, '');
  } catch {
    problems.add(`${name} must be an absolute URL, got '${raw}'.`);
    return undefined;
  }
}

function batchTestHooks(env: Env, problems: ConfigProblems): BatchTestHooks {
  const raw = env.SIBYL_TEST_BATCH_DELAY_MS;
  const delayMs = raw ? Number(raw) : 0;
  if (!Number.isSafeInteger(delayMs) || delayMs < 0) problems.add(`SIBYL_TEST_BATCH_DELAY_MS must be a whole number of milliseconds, got '${raw}'.`);
  const once = env.SIBYL_TEST_BATCH_SLOW_ONCE;
  const match = once ? /^(\d+):(\d+)$/.exec(once) : null;
  if (once && !match) problems.add(`SIBYL_TEST_BATCH_SLOW_ONCE must be '<miniBatchIndex>:<delayMs>', got '${once}'.`);
  return { delayMs: Number.isSafeInteger(delayMs) && delayMs > 0 ? delayMs : 0, slowOnce: match ? { miniBatch: Number(match[1]), delayMs: Number(match[2]) } : undefined };
}

function schedulerSettings(env: Env, problems: ConfigProblems): SchedulerSettings {
  const cron = env.SIBYL_SCHEDULER_CRON || DEFAULT_SCHEDULER_CRON;
  try {
    parseSchedule(cron, { fields: 6, allowTimeSpan: false });
  } catch (error) {
    problems.add(`SIBYL_SCHEDULER_CRON must be a six-field NCRONTAB schedule such as '0 * * * * *': ${(error as Error).message}`);
  }
  const watchedContainer = env.SIBYL_SCHEDULER_CONTAINER || 'workspaceblobstore';
  if (!/^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/.test(watchedContainer)) {
    problems.add(`SIBYL_SCHEDULER_CONTAINER must be a Blob container name (3-63 lower-case letters, digits and single hyphens), got '${watchedContainer}'.`);
  }
  return { cron, watchedContainer };
}

function storageSettings(env: Env, problems: ConfigProblems): StorageSettings {
  const connectionString = env.AzureWebJobsStorage;
  if (connectionString) {
    if (connectionString === 'UseDevelopmentStorage=true' || /AccountName=|BlobEndpoint=/i.test(connectionString)) return { kind: 'connectionString', connectionString };
    problems.add("AzureWebJobsStorage is not a storage connection string (expected 'UseDevelopmentStorage=true' or one with AccountName/BlobEndpoint).");
  }
  const blobServiceUri = url(env, 'AzureWebJobsStorage__blobServiceUri', problems);
  const accountName = env.AzureWebJobsStorage__accountName;
  if (blobServiceUri) return { kind: 'identity', blobServiceUri, queueServiceUri: url(env, 'AzureWebJobsStorage__queueServiceUri', problems) };
  if (accountName) return { kind: 'identity', blobServiceUri: `https://${accountName}.blob.core.windows.net`, queueServiceUri: `https://${accountName}.queue.core.windows.net` };
  if (!connectionString) problems.add('Storage is not configured: set AzureWebJobsStorage (a connection string) or AzureWebJobsStorage__blobServiceUri (managed identity).');
  return { kind: 'connectionString', connectionString: '' };
}

function cosmosSettings(env: Env, problems: ConfigProblems): CosmosSettings {
  const endpoint = url(env, 'COSMOS_ENDPOINT', problems);
  const database = env.COSMOS_DATABASE || 'sibyl';
  if (!endpoint) {
    if (!env.COSMOS_ENDPOINT) problems.add('COSMOS_ENDPOINT is not set: the Cosmos DB account endpoint (https://<account>.documents.azure.com).');
    return { kind: 'identity', endpoint: '', database };
  }
  const key = env.COSMOS_KEY;
  return key ? { kind: 'key', endpoint, key, database } : { kind: 'identity', endpoint, database };
}

/** Parses settings from `env`; throws one `SibylError` naming every missing or bad setting. */
export function parseConfig(env: Env): SibylConfig {
  const problems = new ConfigProblems();
  const config: SibylConfig = {
    storage: storageSettings(env, problems),
    cosmos: cosmosSettings(env, problems),
    maxRequestBytes: positiveInt(env, 'SIBYL_MAX_REQUEST_BYTES', 100 * 1024 * 1024, problems),
    maxTensorElements: positiveInt(env, 'SIBYL_MAX_TENSOR_ELEMENTS', 64 * 1024 * 1024, problems),
    tokenSigningKey: env.SIBYL_TOKEN_SIGNING_KEY || undefined,
    keyEncryptionKey: env.SIBYL_KEY_ENCRYPTION_KEY || undefined,
    controlPlaneKey: env.SIBYL_FUNCTION_KEY || undefined,
    aad: {
      tenantId: env.SIBYL_AAD_TENANT_ID || undefined,
      audience: env.SIBYL_AAD_AUDIENCE || undefined,
      jwksUri: url(env, 'SIBYL_AAD_JWKS_URI', problems),
      issuer: env.SIBYL_AAD_ISSUER || undefined,
    },
    compute: computeSettings(env, problems),
    scorer: {
      key: env.SIBYL_SCORER_KEY || undefined,
      audience: env.SIBYL_SCORER_AUDIENCE || undefined,
    },
    archives: archiveSettings(env, problems),
    modelCache: modelCacheSettings(env, problems),
    batchTestHooks: batchTestHooks(env, problems),
    scheduler: schedulerSettings(env, problems),
  };
  // An unresolved Key Vault reference reaches the app as its literal text: never use that as a secret.
  for (const name of ['SIBYL_TOKEN_SIGNING_KEY', 'SIBYL_KEY_ENCRYPTION_KEY', 'SIBYL_FUNCTION_KEY', 'SIBYL_SCORER_KEY', 'SIBYL_COMPUTE_KEY']) {
    if (env[name]?.startsWith('@Microsoft.KeyVault(')) problems.add(`${name} is an unresolved Key Vault reference: check the app's identity has 'Key Vault Secrets User' and the secret exists.`);
  }
  if (config.tokenSigningKey !== undefined && config.tokenSigningKey.length < 32) {
    problems.add('SIBYL_TOKEN_SIGNING_KEY must be at least 32 characters.');
  }
  if (config.keyEncryptionKey !== undefined && config.keyEncryptionKey.length < 32) {
    problems.add('SIBYL_KEY_ENCRYPTION_KEY must be at least 32 characters.');
  }
  if (problems.list.length) {
    // 503, not 500: the app is fine, its settings are not (yet: a Key Vault reference may still resolve).
    throw new SibylError('ServiceUnavailable', `Sibyl's configuration is invalid: ${problems.list.join(' ')}`);
  }
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

let current: SibylConfig | undefined;

/**
 * The app's settings, parsed from the environment on first use. Invalid settings throw a 503
 * `SibylError` naming each one, on every call (so each request says why); never call this while a
 * module loads: a throw there makes the host index no function at all.
 */
export function getConfig(): SibylConfig {
  current ??= parseConfig(process.env);
  return current;
}

/** The scheduler timer's default schedule: every minute. */
export const DEFAULT_SCHEDULER_CRON = '0 * * * * *';

/**
 * The scheduler timer's schedule as its registration needs it, when the module loads: never throws.
 * A bad `SIBYL_SCHEDULER_CRON` falls back to the default here, and `getConfig()` reports it on first use.
 */
export function schedulerCronAtLoad(env: Env = process.env): string {
  const cron = env.SIBYL_SCHEDULER_CRON || DEFAULT_SCHEDULER_CRON;
  try {
    parseSchedule(cron, { fields: 6, allowTimeSpan: false });
    return cron;
  } catch {
    return DEFAULT_SCHEDULER_CRON;
  }
}

/** Settings of the scorer container (`scorer/`), a separate program with its own environment. */
export interface ScorerConfig {
  port: number;
  /** Interface to listen on: all in a container, loopback when the local host runs it. */
  host: string;
  storage: StorageSettings;
  /** Callers present `Authorization: Bearer <key>`, or an Entra token when `aad` is set. */
  key: string | undefined;
  aad: SibylConfig['aad'];
  /**
   * Object ids (`oid`) whose Entra tokens the scorer accepts (`SIBYL_SCORER_ALLOWED_CALLERS`, comma
   * separated): the Function App's identity. Required with `SIBYL_SCORER_AUDIENCE`, since a token for the
   * audience alone can be had by any principal of the tenant.
   */
  allowedCallers: string[];
  executionProviders: ('cuda' | 'cpu')[];
  maxBatchSize: number;
  maxQueueDelayMs: number;
  /** Most models kept loaded at once. */
  maxModels: number;
  /**
   * The model this replica serves (`SIBYL_SCORER_MODEL` = `name:version`): loaded and warmed before it
   * listens, so listening means ready. Unset, models load on first use.
   */
  model: { name: string; version: number } | undefined;
  /** ONNX Runtime threads and graph optimisation (the deployment's environment). */
  intraOpNumThreads: number | undefined;
  interOpNumThreads: number | undefined;
  graphOptimizationLevel: 'disabled' | 'basic' | 'extended' | 'all' | undefined;
  maxRequestBytes: number;
  maxTensorElements: number;
  modelCache: ModelCacheSettings;
}

function computeSettings(env: Env, problems: ConfigProblems): ComputeSettings {
  const kind = env.SIBYL_COMPUTE || undefined;
  if (kind !== undefined && kind !== 'local' && kind !== 'azure') problems.add(`SIBYL_COMPUTE must be 'local' or 'azure', got '${kind}'.`);
  const settings: ComputeSettings = { kind: kind as ComputeSettings['kind'], url: url(env, 'SIBYL_COMPUTE_URL', problems), key: env.SIBYL_COMPUTE_KEY || undefined };
  if (settings.kind === 'local' && (!settings.url || !settings.key)) problems.add("SIBYL_COMPUTE 'local' needs SIBYL_COMPUTE_URL and SIBYL_COMPUTE_KEY (the local host sets them).");
  return settings;
}

function scorerModel(env: Env, problems: ConfigProblems): ScorerConfig['model'] {
  const raw = env.SIBYL_SCORER_MODEL;
  if (!raw) return undefined;
  const match = /^(.+):(\d{1,9})$/.exec(raw);
  if (!match) {
    problems.add(`SIBYL_SCORER_MODEL must be 'name:version', got '${raw}'.`);
    return undefined;
  }
  return { name: match[1]!, version: Number(match[2]) };
}

function graphOptimization(env: Env, problems: ConfigProblems): ScorerConfig['graphOptimizationLevel'] {
  const raw = env.SIBYL_SCORER_GRAPH_OPTIMIZATION;
  if (!raw) return undefined;
  if (raw === 'disabled' || raw === 'basic' || raw === 'extended' || raw === 'all') return raw;
  problems.add(`SIBYL_SCORER_GRAPH_OPTIMIZATION must be disabled, basic, extended or all, got '${raw}'.`);
  return undefined;
}

export function parseScorerConfig(env: Env): ScorerConfig {
  const problems = new ConfigProblems();
  const providers = (env.SIBYL_SCORER_EXECUTION_PROVIDERS ?? 'cuda,cpu').split(',').map((p) => p.trim().toLowerCase());
  if (!providers.length || providers.some((p) => p !== 'cuda' && p !== 'cpu')) problems.add("SIBYL_SCORER_EXECUTION_PROVIDERS must list 'cuda' and/or 'cpu', e.g. 'cuda,cpu'.");
  const config: ScorerConfig = {
    port: nonNegativeInt(env, 'PORT', 8080, problems),
    host: env.SIBYL_SCORER_HOST || '0.0.0.0',
    storage: storageSettings(env, problems),
    key: env.SIBYL_SCORER_KEY || undefined,
    aad: {
      tenantId: env.SIBYL_AAD_TENANT_ID || undefined,
      audience: env.SIBYL_SCORER_AUDIENCE || undefined,
      jwksUri: url(env, 'SIBYL_AAD_JWKS_URI', problems),
      issuer: env.SIBYL_AAD_ISSUER || undefined,
    },
    allowedCallers: (env.SIBYL_SCORER_ALLOWED_CALLERS ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean),
    executionProviders: providers as ('cuda' | 'cpu')[],
    maxBatchSize: positiveInt(env, 'SIBYL_SCORER_MAX_BATCH_SIZE', 64, problems),
    maxQueueDelayMs: nonNegativeInt(env, 'SIBYL_SCORER_MAX_QUEUE_DELAY_MS', 0, problems),
    maxModels: positiveInt(env, 'SIBYL_SCORER_MAX_MODELS', 8, problems),
    model: scorerModel(env, problems),
    intraOpNumThreads: env.SIBYL_SCORER_INTRA_OP_THREADS ? positiveInt(env, 'SIBYL_SCORER_INTRA_OP_THREADS', 1, problems) : undefined,
    interOpNumThreads: env.SIBYL_SCORER_INTER_OP_THREADS ? positiveInt(env, 'SIBYL_SCORER_INTER_OP_THREADS', 1, problems) : undefined,
    graphOptimizationLevel: graphOptimization(env, problems),
    maxRequestBytes: positiveInt(env, 'SIBYL_MAX_REQUEST_BYTES', 100 * 1024 * 1024, problems),
    maxTensorElements: positiveInt(env, 'SIBYL_MAX_TENSOR_ELEMENTS', 64 * 1024 * 1024, problems),
    modelCache: modelCacheSettings(env, problems),
  };
  if (!config.key && !config.aad.audience) problems.add('The scorer needs SIBYL_SCORER_KEY or SIBYL_SCORER_AUDIENCE (Entra ID) to authenticate callers.');
  if (config.aad.audience && config.allowedCallers.length === 0) {
    problems.add("SIBYL_SCORER_AUDIENCE needs SIBYL_SCORER_ALLOWED_CALLERS: the object id of the Function App's identity (any principal of the tenant can get a token for the audience).");
  }
  if (problems.list.length) throw new SibylError('InternalError', `The scorer's configuration is invalid: ${problems.list.join(' ')}`);
  return deepFreeze(config);
}
