/**
 * Opens ONNX Runtime sessions on the execution providers an environment asks for, falling back from
 * CUDA to CPU when the environment allows it.
 *
 * What onnxruntime-node 1.30 does (checked): the npm package bundles CPU binaries only. The CUDA
 * provider (`libonnxruntime_providers_cuda.so`) is downloaded at install time on linux/x64 when
 * installed with `ONNXRUNTIME_NODE_INSTALL=true` (the value its install script parses; see scorer/Dockerfile); without it,
 * `InferenceSession.create(…, {executionProviders: ['cuda', 'cpu']})` does NOT fall back: it rejects
 * with "OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library" (and ORT logs an
 * error line to stderr). So we check for the library first, and retry on CPU if CUDA still fails.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { SibylError } from '../errors';
import { createOrtSession, type ModelSource } from './modelSource';

/** The providers an environment may name (`executionProviders` in the Environments API). */
export type ExecutionProviderName = 'cpu' | 'cuda';

export const EXECUTION_PROVIDER_NAMES: readonly ExecutionProviderName[] = Object.freeze(['cpu', 'cuda']);

/** Session settings of an environment. */
export interface OrtSessionSettings {
  /** In order of preference; default `['cpu']`. CPU listed after CUDA allows the fallback. */
  executionProviders?: readonly ExecutionProviderName[];
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /**
   * Whether ONNX Runtime's thread-pool threads spin while they wait for work (its default: yes). Spinning
   * buys a few microseconds of latency per run with a core's worth of CPU, which a server whose own
   * thread has HTTP to do cannot spare; `false` lets them sleep.
   */
  allowSpinning?: boolean;
  /**
   * ORT's own stderr logging, 0 = verbose … 4 = fatal. Default 4: every failure already reaches the
   * caller as an exception carrying ORT's message, so its red stderr lines would only be noise.
   */
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
}

/** An open session and the providers it really got. */
export interface OpenedSession {
  session: InferenceSession;
  /** The providers the session was created with (CPU only after a fallback). */
  executionProviders: ExecutionProviderName[];
  /** Human sentences, e.g. why CUDA was skipped; empty when everything requested was used. */
  warnings: string[];
}

/** CUDA was required (CPU not listed) but cannot be used on this host. Code `ServiceUnavailable` (503). */
export class ExecutionProviderUnavailableError extends SibylError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ServiceUnavailable', message);
    this.name = 'ExecutionProviderUnavailableError';
    if (options && 'cause' in options) this.cause = options.cause;
  }
}

const CUDA_LIBRARY: Partial<Record<NodeJS.Platform, string>> = {
  linux: 'libonnxruntime_providers_cuda.so',
  win32: 'onnxruntime_providers_cuda.dll',
};

/** Whether onnxruntime-node's CUDA provider library is installed next to its native binding. */
export function cudaProviderInstalled(): boolean {
  const library = CUDA_LIBRARY[process.platform];
  if (!library) return false;
  const bindingDir = join(
    dirname(require.resolve('onnxruntime-node')),
    '..',
    'bin',
    'napi-v6',
    process.platform,
    process.arch,
  );
  return existsSync(join(bindingDir, library));
}

/** Checks a requested list: known names, no duplicates, at least one. */
export function validateExecutionProviders(requested: readonly string[]): ExecutionProviderName[] {
  if (requested.length === 0) throw new RangeError('executionProviders must name at least one provider');
  const seen = new Set<string>();
  for (const name of requested) {
    if (!(EXECUTION_PROVIDER_NAMES as readonly string[]).includes(name)) {
      throw new RangeError(`Unknown execution provider '${name}'; use one of ${EXECUTION_PROVIDER_NAMES.join(', ')}`);
    }
    if (seen.has(name)) throw new RangeError(`Execution provider '${name}' is listed twice`);
    seen.add(name);
  }
  return [...requested] as ExecutionProviderName[];
}

/** Checks settings before ONNX Runtime sees them, so a bad setting is not mistaken for a bad model. */
export function validateSessionSettings(settings: OrtSessionSettings): void {
  if (settings.executionProviders) validateExecutionProviders(settings.executionProviders);
  for (const key of ['intraOpNumThreads', 'interOpNumThreads'] as const) {
    const n = settings[key];
    if (n !== undefined && !(Number.isInteger(n) && n >= 0))
      throw new RangeError(`${key} must be a whole number ≥ 0 (0 = ONNX Runtime's default), not ${n}`);
  }
}

function sessionOptions(
  settings: OrtSessionSettings,
  providers: readonly ExecutionProviderName[],
): InferenceSession.SessionOptions {
  const options: InferenceSession.SessionOptions = {
    executionProviders: providers,
    logSeverityLevel: settings.logSeverityLevel ?? 4,
  };
  if (settings.intraOpNumThreads !== undefined) options.intraOpNumThreads = settings.intraOpNumThreads;
  if (settings.interOpNumThreads !== undefined) options.interOpNumThreads = settings.interOpNumThreads;
  if (settings.graphOptimizationLevel !== undefined) options.graphOptimizationLevel = settings.graphOptimizationLevel;
  if (settings.allowSpinning === false) {
    // Session config entries (onnxruntime_session_options_config_keys.h); the Node binding takes strings.
    options.extra = { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } };
  }
  return options;
}

/**
 * ONNX Runtime's message without its C++ source locations and signatures (`/onnxruntime_src/…:84
 * onnxruntime::ReshapeHelper::ReshapeHelper(…)`), which say nothing to a client.
 */
export function ortErrorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message
    .replace(/\/onnxruntime_src\/\S+:\d+ /g, '')
    .replace(/(?:[\w:~<>]+::)+[\w~<>]+\((?:[^()]|\([^()]*\))*\) /g, '')
    .trim();
}

/**
 * Creates a session on the requested providers. CUDA that is missing or fails falls back to CPU
 * when CPU is in the list (with a warning); when it is not, throws `ExecutionProviderUnavailableError`.
 * Errors about the model itself are rethrown as ONNX Runtime raised them.
 *
 * @example
 * const { session, executionProviders, warnings } = await openOrtSession(bytes, { executionProviders: ['cuda', 'cpu'] });
 */
export async function openOrtSession(source: ModelSource, settings: OrtSessionSettings = {}): Promise<OpenedSession> {
  validateSessionSettings(settings);
  const requested = validateExecutionProviders(settings.executionProviders ?? ['cpu']);
  const cpuAllowed = requested.includes('cpu');
  const cpuOnly: ExecutionProviderName[] = ['cpu'];
  if (!requested.includes('cuda')) {
    return {
      session: await createOrtSession(source, sessionOptions(settings, requested)),
      executionProviders: requested,
      warnings: [],
    };
  }
  if (!cudaProviderInstalled()) {
    const why =
      'the CUDA execution provider is not installed (onnxruntime-node ships CPU binaries; ' +
      'install it with ONNXRUNTIME_NODE_INSTALL=true on linux/x64)';
    if (!cpuAllowed)
      throw new ExecutionProviderUnavailableError(`CUDA was requested without a CPU fallback, but ${why}`);
    const session = await createOrtSession(source, sessionOptions(settings, cpuOnly));
    return { session, executionProviders: cpuOnly, warnings: [`Running on CPU: ${why}`] };
  }
  try {
    return {
      session: await createOrtSession(source, sessionOptions(settings, requested)),
      executionProviders: requested,
      warnings: [],
    };
  } catch (cudaError) {
    // One failure cannot tell a bad model from a missing GPU or driver; a CPU attempt can.
    const session = await createOrtSession(source, sessionOptions(settings, cpuOnly));
    if (!cpuAllowed) {
      await session.release();
      throw new ExecutionProviderUnavailableError(
        `CUDA was requested without a CPU fallback and failed: ${ortErrorMessage(cudaError)}`,
        { cause: cudaError },
      );
    }
    return {
      session,
      executionProviders: cpuOnly,
      warnings: [`Running on CPU: CUDA failed: ${ortErrorMessage(cudaError)}`],
    };
  }
}
