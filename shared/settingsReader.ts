/**
 * Reading settings from an environment, shared by the app's settings (config.ts) and the scorer's
 * (scorerConfig.ts): typed readers that collect every problem, so a bad start names all of them at once.
 */

import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type StorageSettings =
  /** Azurite or a storage account reached with a connection string. */
  | { kind: 'connectionString'; connectionString: string }
  /** A storage account reached with its managed identity (`AzureWebJobsStorage__blobServiceUri`). */
  | { kind: 'identity'; blobServiceUri: string; queueServiceUri?: string };

/** Microsoft Entra ID settings (the app's `aad` endpoints, the scorer's callers). */
export interface AadSettings {
  tenantId: string | undefined;
  audience: string | undefined;
  jwksUri: string | undefined;
  issuer: string | undefined;
}

export type Env = Record<string, string | undefined>;

/** Entra ID settings; the audience comes from `audienceSetting` (the app's and the scorer's differ). */
export function aadSettings(env: Env, audienceSetting: string, problems: ConfigProblems): AadSettings {
  return {
    tenantId: env.SIBYL_AAD_TENANT_ID || undefined,
    audience: env[audienceSetting] || undefined,
    jwksUri: url(env, 'SIBYL_AAD_JWKS_URI', problems),
    issuer: env.SIBYL_AAD_ISSUER || undefined,
  };
}

export class ConfigProblems {
  readonly list: string[] = [];
  add(problem: string): void {
    this.list.push(problem);
  }
}

export function positiveInt(env: Env, name: string, fallback: number, problems: ConfigProblems): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) {
    problems.add(`${name} must be a positive integer, got '${raw}'.`);
    return fallback;
  }
  return n;
}

/** A positive number (fractions allowed, e.g. 0.5 vCPU), or undefined when the setting is absent. */
export function positiveNumber(env: Env, name: string, problems: ConfigProblems): number | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  const n = Number(raw);
  if (Number.isFinite(n) && n > 0) return n;
  problems.add(`${name} must be a positive number, got '${raw}'.`);
  return undefined;
}

export function nonNegativeInt(env: Env, name: string, fallback: number, problems: ConfigProblems): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) {
    problems.add(`${name} must be a whole number ≥ 0, got '${raw}'.`);
    return fallback;
  }
  return n;
}

export function url(env: Env, name: string, problems: ConfigProblems): string | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  try {
    return new URL(raw).href.replace(/\/$/, '');
  } catch {
    problems.add(`${name} must be an absolute URL, got '${raw}'.`);
    return undefined;
  }
}

/** Where blobs and queues are: a connection string, or the managed identity's service URIs. */
export function storageSettings(env: Env, problems: ConfigProblems): StorageSettings {
  const connectionString = env.AzureWebJobsStorage;
  if (connectionString) {
    if (connectionString === 'UseDevelopmentStorage=true' || /AccountName=|BlobEndpoint=/i.test(connectionString))
      return { kind: 'connectionString', connectionString };
    problems.add(
      'AzureWebJobsStorage is not a storage connection string ' +
        "(expected 'UseDevelopmentStorage=true' or one with AccountName/BlobEndpoint).",
    );
  }
  const blobServiceUri = url(env, 'AzureWebJobsStorage__blobServiceUri', problems);
  const accountName = env.AzureWebJobsStorage__accountName;
  if (blobServiceUri)
    return {
      kind: 'identity',
      blobServiceUri,
      queueServiceUri: url(env, 'AzureWebJobsStorage__queueServiceUri', problems),
    };
  if (accountName)
    return {
      kind: 'identity',
      blobServiceUri: `https://${accountName}.blob.core.windows.net`,
      queueServiceUri: `https://${accountName}.queue.core.windows.net`,
    };
  if (!connectionString)
    problems.add(
      'Storage is not configured: set AzureWebJobsStorage (a connection string) or AzureWebJobsStorage__blobServiceUri (managed identity).',
    );
  return { kind: 'connectionString', connectionString: '' };
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
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

export function modelCacheSettings(env: Env, problems: ConfigProblems): ModelCacheSettings {
  return {
    dir: env.SIBYL_MODEL_CACHE_DIR || join(tmpdir(), 'sibyl-models'),
    maxBytes: positiveInt(env, 'SIBYL_MODEL_CACHE_BYTES', 10 * 1024 ** 3, problems),
  };
}
