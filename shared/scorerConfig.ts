/**
 * Settings of the scorer container (`scorer/`), a separate program with its own environment: parsed
 * apart from the app's (config.ts), so neither reads the other's settings.
 */
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { userRuntimeOf, type UserRuntime } from './compute/userRuntime';
import { SibylError } from './errors';
import {
  aadSettings,
  ConfigProblems,
  deepFreeze,
  modelCacheSettings,
  nonNegativeInt,
  positiveInt,
  positiveNumber,
  storageSettings,
  type AadSettings,
  type Env,
  type ModelCacheSettings,
  type StorageSettings,
} from './settingsReader';

export interface ScorerConfig {
  port: number;
  /** Interface to listen on: all in a container, loopback when the local host runs it. */
  host: string;
  storage: StorageSettings;
  /** Callers present `Authorization: Bearer <key>`, or an Entra token when `aad` is set. */
  key: string | undefined;
  aad: AadSettings;
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
  /**
   * HTTP worker processes of an ONNX replica (`SIBYL_SCORER_WORKERS`), each with its own sessions and
   * batcher; unset, one per CPU the replica may use on CPU providers, one with CUDA (`scorer/workerPlan.ts`).
   */
  workers: number | undefined;
  /**
   * The replica's CPUs where nothing enforces its size (`SIBYL_SCORER_CPUS`, set by the local compute
   * provider); in a container its CPU quota says it.
   */
  cpus: number | undefined;
  maxRequestBytes: number;
  maxTensorElements: number;
  modelCache: ModelCacheSettings;
  /** The compute kind of the deployment this replica serves (`SIBYL_COMPUTE_KIND`); `gpu` requires CUDA. */
  computeKind: string | undefined;
  /**
   * Under the local compute provider: the process title that says whose replica this is
   * (`SIBYL_SCORER_TITLE`), and whether to exit when the host's end of the stdin pipe closes
   * (`SIBYL_SCORER_PARENT_PIPE=1`), so a host that dies leaves no replica behind.
   */
  localReplica: { title: string | undefined; exitWithParent: boolean };
  /** A replica that runs user code (environments issue) instead of serving ONNX models itself. */
  userCode: UserCodeSettings;
}

export interface UserCodeSettings {
  /** What it runs (`SIBYL_SCORER_USER_RUNTIME`, written by the Function App); undefined for an ONNX replica. */
  runtime: UserRuntime | undefined;
  /** Where code assets and Python virtual environments are kept (`SIBYL_USER_CODE_DIR`; the local host's data dir). */
  cacheDir: string;
  /** The Python interpreter (`SIBYL_PYTHON`), else `python3` on the PATH. */
  python: string;
  /** How long the user's server may take to become ready, installs included (`SIBYL_SCORER_START_TIMEOUT_MS`). */
  startTimeoutMs: number;
  /**
   * Set in Azure when a custom image runs beside the scorer (`SIBYL_SCORER_SIDECAR_DIR`): the volume both
   * containers mount, where the scorer publishes the model and code; the server is already running.
   */
  sidecarDir: string | undefined;
  /** The variables of the replica's environment that its user processes inherit (`USER_PROCESS_ENV`). */
  inheritedEnv: Readonly<Record<string, string>>;
  /** The replica's proxy settings (`PROXY_ENV`), which pip is given to download an environment's packages. */
  proxyEnv: Readonly<Record<string, string>>;
}

/** What user code may see of the replica's environment: no Sibyl or Azure setting, only the basics. */
export const USER_PROCESS_ENV =
  /^(PATH|HOME|USER|LANG|LC_[A-Z]+|TZ|TMPDIR|TEMP|TMP|SYSTEMROOT|LD_LIBRARY_PATH|PIP_[A-Z_]+)$/;
/** Proxy settings, in either case. */
export const PROXY_ENV = /^(https?_proxy|no_proxy)$/i;

/** The scorer's own settings, its key and storage connection string among them: never user code's to see. */
export function isScorerSetting(name: string): boolean {
  return name.startsWith('SIBYL_') || name.startsWith('AzureWebJobs');
}

function variablesMatching(env: Env, names: RegExp): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && names.test(name)) kept[name] = value;
  return kept;
}

/**
 * The scorer process's environment object itself, for the one use that must change it rather than read
 * it: a `node` runtime's scoring module shares the scorer's process, so nodeRuntime.ts takes the scorer's
 * settings out (`isScorerSetting`) and puts the environment's variables in. Settings are read only through
 * `parseScorerConfig(scorerEnvironment())`, once, at start.
 */
export function scorerEnvironment(): NodeJS.ProcessEnv {
  return process.env;
}

function userCodeSettings(env: Env, problems: ConfigProblems): UserCodeSettings {
  let runtime: UserRuntime | undefined;
  try {
    runtime = userRuntimeOf(env);
  } catch {
    problems.add('SIBYL_SCORER_USER_RUNTIME is not valid JSON.');
  }
  return {
    runtime,
    cacheDir: env.SIBYL_USER_CODE_DIR || join(tmpdir(), 'sibyl-user-code'),
    python: env.SIBYL_PYTHON || 'python3',
    startTimeoutMs: positiveInt(env, 'SIBYL_SCORER_START_TIMEOUT_MS', 10 * 60_000, problems),
    sidecarDir: env.SIBYL_SCORER_SIDECAR_DIR || undefined,
    inheritedEnv: variablesMatching(env, USER_PROCESS_ENV),
    proxyEnv: variablesMatching(env, PROXY_ENV),
  };
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
  if (!providers.length || providers.some((p) => p !== 'cuda' && p !== 'cpu'))
    problems.add("SIBYL_SCORER_EXECUTION_PROVIDERS must list 'cuda' and/or 'cpu', e.g. 'cuda,cpu'.");
  const config: ScorerConfig = {
    port: nonNegativeInt(env, 'PORT', 8080, problems),
    host: env.SIBYL_SCORER_HOST || '0.0.0.0',
    storage: storageSettings(env, problems),
    key: env.SIBYL_SCORER_KEY || undefined,
    aad: aadSettings(env, 'SIBYL_SCORER_AUDIENCE', problems),
    allowedCallers: (env.SIBYL_SCORER_ALLOWED_CALLERS ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean),
    executionProviders: providers as ('cuda' | 'cpu')[],
    maxBatchSize: positiveInt(env, 'SIBYL_SCORER_MAX_BATCH_SIZE', 64, problems),
    maxQueueDelayMs: nonNegativeInt(env, 'SIBYL_SCORER_MAX_QUEUE_DELAY_MS', 0, problems),
    maxModels: positiveInt(env, 'SIBYL_SCORER_MAX_MODELS', 8, problems),
    model: scorerModel(env, problems),
    intraOpNumThreads: env.SIBYL_SCORER_INTRA_OP_THREADS
      ? positiveInt(env, 'SIBYL_SCORER_INTRA_OP_THREADS', 1, problems)
      : undefined,
    interOpNumThreads: env.SIBYL_SCORER_INTER_OP_THREADS
      ? positiveInt(env, 'SIBYL_SCORER_INTER_OP_THREADS', 1, problems)
      : undefined,
    graphOptimizationLevel: graphOptimization(env, problems),
    workers: env.SIBYL_SCORER_WORKERS ? positiveInt(env, 'SIBYL_SCORER_WORKERS', 1, problems) : undefined,
    cpus: positiveNumber(env, 'SIBYL_SCORER_CPUS', problems),
    maxRequestBytes: positiveInt(env, 'SIBYL_MAX_REQUEST_BYTES', 100 * 1024 * 1024, problems),
    maxTensorElements: positiveInt(env, 'SIBYL_MAX_TENSOR_ELEMENTS', 64 * 1024 * 1024, problems),
    modelCache: modelCacheSettings(env, problems),
    computeKind: env.SIBYL_COMPUTE_KIND || undefined,
    localReplica: { title: env.SIBYL_SCORER_TITLE || undefined, exitWithParent: env.SIBYL_SCORER_PARENT_PIPE === '1' },
    userCode: userCodeSettings(env, problems),
  };
  if (!config.key && !config.aad.audience)
    problems.add('The scorer needs SIBYL_SCORER_KEY or SIBYL_SCORER_AUDIENCE (Entra ID) to authenticate callers.');
  if (config.aad.audience && config.allowedCallers.length === 0) {
    problems.add(
      "SIBYL_SCORER_AUDIENCE needs SIBYL_SCORER_ALLOWED_CALLERS: the object id of the Function App's identity " +
        '(any principal of the tenant can get a token for the audience).',
    );
  }
  if (problems.list.length)
    throw new SibylError('InternalError', `The scorer's configuration is invalid: ${problems.list.join(' ')}`);
  return deepFreeze(config);
}
