/**
 * Every setting Sibyl reads, declared once, parsed and validated at start, then frozen.
 * App settings in Azure, `local.settings.json` locally. Nothing else in the app reads `process.env` (ESLint checks).
 */
import { computeSettings, type ComputeSettings } from './compute/computeSettings';
import { secretValuesOf } from './compute/logRedaction';
import { SettingsError } from './errors';
import { parseSchedule } from './schedules/ncrontab';
import {
  aadSettings,
  ConfigProblems,
  deepFreeze,
  modelCacheSettings,
  positiveInt,
  storageSettings,
  url,
  type AadSettings,
  type Env,
  type ModelCacheSettings,
  type StorageSettings,
} from './settingsReader';

export type { ModelCacheSettings, StorageSettings } from './settingsReader';
/** The scorer's settings are its own (scorerConfig.ts); the type is re-exported for its existing importers. */
export type { ScorerConfig } from './scorerConfig';

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
  aad: AadSettings;
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
  /** How pipeline schedules are driven (the scheduler timer and the blob trigger). */
  scheduler: SchedulerSettings;
  /**
   * The values of every setting whose name marks it a secret (logRedaction.ts: keys, connection strings),
   * longest first: the ones a replica could print, taken out of its console lines before they are shown.
   */
  secretValues: readonly string[];
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

function archiveSettings(env: Env, problems: ConfigProblems): ArchiveSettings {
  return {
    maxFiles: positiveInt(env, 'SIBYL_MAX_ARCHIVE_FILES', 10_000, problems),
    maxUnpackedBytes: positiveInt(env, 'SIBYL_MAX_UNPACKED_BYTES', 20 * 1024 ** 3, problems),
  };
}

/** How the app reaches the scorer: a shared key, or else an Entra token for `audience` (managed identity). */
export interface ScorerClientSettings {
  key: string | undefined;
  audience: string | undefined;
}

function schedulerSettings(env: Env, problems: ConfigProblems): SchedulerSettings {
  const cron = env.SIBYL_SCHEDULER_CRON || DEFAULT_SCHEDULER_CRON;
  try {
    parseSchedule(cron, { fields: 6, allowTimeSpan: false });
  } catch (error) {
    problems.add(
      `SIBYL_SCHEDULER_CRON must be a six-field NCRONTAB schedule such as '0 * * * * *': ${(error as Error).message}`,
    );
  }
  const watchedContainer = env.SIBYL_SCHEDULER_CONTAINER || 'workspaceblobstore';
  if (!/^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/.test(watchedContainer)) {
    problems.add(
      `SIBYL_SCHEDULER_CONTAINER must be a Blob container name (3-63 lower-case letters, digits and single hyphens), ` +
        `got '${watchedContainer}'.`,
    );
  }
  return { cron, watchedContainer };
}

function cosmosSettings(env: Env, problems: ConfigProblems): CosmosSettings {
  const endpoint = url(env, 'COSMOS_ENDPOINT', problems);
  const database = env.COSMOS_DATABASE || 'sibyl';
  if (!endpoint) {
    if (!env.COSMOS_ENDPOINT)
      problems.add(
        'COSMOS_ENDPOINT is not set: the Cosmos DB account endpoint (https://<account>.documents.azure.com).',
      );
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
    aad: aadSettings(env, 'SIBYL_AAD_AUDIENCE', problems),
    compute: computeSettings(env, problems),
    scorer: {
      key: env.SIBYL_SCORER_KEY || undefined,
      audience: env.SIBYL_SCORER_AUDIENCE || undefined,
    },
    archives: archiveSettings(env, problems),
    modelCache: modelCacheSettings(env, problems),
    scheduler: schedulerSettings(env, problems),
    secretValues: secretValuesOf(env),
  };
  // An unresolved Key Vault reference reaches the app as its literal text: never use that as a secret.
  for (const name of [
    'SIBYL_TOKEN_SIGNING_KEY',
    'SIBYL_KEY_ENCRYPTION_KEY',
    'SIBYL_FUNCTION_KEY',
    'SIBYL_SCORER_KEY',
    'SIBYL_COMPUTE_KEY',
  ]) {
    if (env[name]?.startsWith('@Microsoft.KeyVault('))
      problems.add(
        `${name} is an unresolved Key Vault reference: check the app's identity has 'Key Vault Secrets User' and the secret exists.`,
      );
  }
  if (config.tokenSigningKey !== undefined && config.tokenSigningKey.length < 32) {
    problems.add('SIBYL_TOKEN_SIGNING_KEY must be at least 32 characters.');
  }
  if (config.keyEncryptionKey !== undefined && config.keyEncryptionKey.length < 32) {
    problems.add('SIBYL_KEY_ENCRYPTION_KEY must be at least 32 characters.');
  }
  if (problems.list.length) {
    // 503, not 500: the app is fine, its settings are not (yet: a Key Vault reference may still resolve).
    throw new SettingsError(problems.list);
  }
  return deepFreeze(config);
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
