/**
 * Settings of the scorer container (`scorer/`), a separate program with its own environment: parsed
 * apart from the app's (config.ts), so neither reads the other's settings.
 */
import { SibylError } from './errors';
import { aadSettings, ConfigProblems, deepFreeze, nonNegativeInt, positiveInt, storageSettings, type AadSettings, type Env, type StorageSettings } from './settingsReader';

export interface ScorerConfig {
  port: number;
  /** Interface to listen on: all in a container, loopback when the local host runs it. */
  host: string;
  storage: StorageSettings;
  /** Callers present `Authorization: Bearer <key>`, or an Entra token when `aad` is set. */
  key: string | undefined;
  aad: AadSettings;
  executionProviders: ('cuda' | 'cpu')[];
  maxBatchSize: number;
  maxQueueDelayMs: number;
  /** Most models kept loaded at once. */
  maxModels: number;
  maxRequestBytes: number;
  maxTensorElements: number;
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
    aad: aadSettings(env, 'SIBYL_SCORER_AUDIENCE', problems),
    executionProviders: providers as ('cuda' | 'cpu')[],
    maxBatchSize: positiveInt(env, 'SIBYL_SCORER_MAX_BATCH_SIZE', 64, problems),
    maxQueueDelayMs: nonNegativeInt(env, 'SIBYL_SCORER_MAX_QUEUE_DELAY_MS', 0, problems),
    maxModels: positiveInt(env, 'SIBYL_SCORER_MAX_MODELS', 8, problems),
    maxRequestBytes: positiveInt(env, 'SIBYL_MAX_REQUEST_BYTES', 100 * 1024 * 1024, problems),
    maxTensorElements: positiveInt(env, 'SIBYL_MAX_TENSOR_ELEMENTS', 64 * 1024 * 1024, problems),
  };
  if (!config.key && !config.aad.audience) problems.add('The scorer needs SIBYL_SCORER_KEY or SIBYL_SCORER_AUDIENCE (Entra ID) to authenticate callers.');
  if (problems.list.length) throw new SibylError('InternalError', `The scorer's configuration is invalid: ${problems.list.join(' ')}`);
  return deepFreeze(config);
}
