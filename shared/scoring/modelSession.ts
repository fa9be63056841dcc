/**
 * A loaded model with an explicit lifecycle: `ModelSession.load` → `warm()` (one real inference) →
 * `ready` → `run()`… → `release()`. Tensors cross the ONNX Runtime boundary as typed arrays; every
 * stage is timed.
 *
 * How each datatype crosses: see `ortTensors.ts`. Note: onnxruntime-node 1.30 executes `create` and
 * `run` synchronously on the JS thread (wrapped in `setImmediate`), so a long inference blocks the
 * event loop while it runs (measured: a 408 ms run = a 408 ms event-loop stall).
 */
import { performance } from 'node:perf_hooks';
import type { InferenceSession } from 'onnxruntime-node';
import { SibylError } from '../errors';
import type { ModelSignature, NamedTensor } from './datatypes';
import {
  ExecutionProviderUnavailableError,
  openOrtSession,
  ortErrorMessage,
  validateSessionSettings,
  type ExecutionProviderName,
  type OrtSessionSettings,
} from './executionProviders';
import type { ModelSource } from './modelSource';
import { assertModelSource, signatureOf, toInvalidModelError } from './onnxSignature';
import { exampleFeeds, fromOrtTensor, outputNamesFor, toOrtFeeds } from './ortTensors';

export { exampleFeeds, TensorInputError } from './ortTensors';

/** Session settings of an environment: providers (`['cuda', 'cpu']` falls back to CPU), threads, optimization. */
export type ModelSessionOptions = OrtSessionSettings;

export type SessionState = 'loaded' | 'warming' | 'ready' | 'releasing' | 'released';

/** Milliseconds spent in each stage of one `run`. */
export interface RunTimings {
  /** Checking feeds and wrapping them as ORT tensors. */
  toOrtMs: number;
  /** `session.run` itself. */
  inferMs: number;
  /** Unwrapping outputs into `NamedTensor`s. */
  fromOrtMs: number;
}

/**
 * ONNX Runtime rejected feeds that passed the signature checks, or the warm-up inference failed.
 * Code `InvalidInput` (400): with valid shapes and types, what remains is the model refusing the data.
 */
export class ModelRunError extends SibylError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('InvalidInput', message);
    this.name = 'ModelRunError';
    if (options && 'cause' in options) this.cause = options.cause;
  }
}

/** The session was released; load it again. Code `ServiceUnavailable` (503). */
export class SessionClosedError extends SibylError {
  constructor() {
    super('ServiceUnavailable', 'The model session has been released');
    this.name = 'SessionClosedError';
  }
}

export class ModelSession {
  private warmedInMs: number | undefined;
  private warming = false;
  private warmed = false;
  private closing: Promise<void> | undefined;
  private closed = false;
  private readonly inflight = new Set<Promise<unknown>>();

  private constructor(
    private readonly session: InferenceSession,
    /** Inputs and outputs, OIP datatypes, `-1` for dynamic dims. */
    readonly signature: ModelSignature,
    /** The providers the session really runs on (`['cpu']` after a CUDA fallback). */
    readonly executionProviders: readonly ExecutionProviderName[],
    /** Why something requested was not used, e.g. CUDA missing; empty when all went to plan. */
    readonly warnings: readonly string[],
    /** Milliseconds to create the session and read its signature. */
    readonly loadMs: number,
  ) {}

  /**
   * Opens a model. A file ONNX Runtime cannot open, or with types Sibyl cannot serve, throws
   * `InvalidModelError`; CUDA without CPU on a host without CUDA throws `ExecutionProviderUnavailableError`.
   *
   * @example
   * const model = await ModelSession.load(bytes, { executionProviders: ['cuda', 'cpu'], intraOpNumThreads: 2 });
   * await model.warm();
   * const [scores] = await model.run([{ name: 'features', datatype: 'FP32', shape: [1, 16], data }]);
   */
  static async load(bytes: ModelSource, options: ModelSessionOptions = {}): Promise<ModelSession> {
    assertModelSource(bytes);
    validateSessionSettings(options);
    const start = performance.now();
    const opened = await openOrtSession(bytes, options).catch((error: unknown) => {
      throw error instanceof ExecutionProviderUnavailableError ? error : toInvalidModelError(error, bytes);
    });
    try {
      const signature = signatureOf(opened.session, bytes);
      return new ModelSession(
        opened.session,
        signature,
        opened.executionProviders,
        opened.warnings,
        performance.now() - start,
      );
    } catch (error) {
      await opened.session.release();
      throw error;
    }
  }

  /** `load`, then `warm`: a session that fails its warm-up inference is released before the error is thrown. */
  static async loadWarm(bytes: ModelSource, options: ModelSessionOptions = {}): Promise<ModelSession> {
    const session = await ModelSession.load(bytes, options);
    try {
      await session.warm();
    } catch (error) {
      await session.release();
      throw error;
    }
    return session;
  }

  /** Milliseconds of the last successful warm-up inference; undefined until `warm()` succeeds. */
  get warmMs(): number | undefined {
    return this.warmedInMs;
  }

  /** True once warmed and until released; what health routes report. */
  get ready(): boolean {
    return this.warmed && !this.closing;
  }

  get state(): SessionState {
    if (this.closing) return this.closed ? 'released' : 'releasing';
    return this.warming ? 'warming' : this.warmed ? 'ready' : 'loaded';
  }

  /** True when CUDA was requested but the session runs on CPU. */
  get fellBackToCpu(): boolean {
    return this.warnings.length > 0 && !this.executionProviders.includes('cuda');
  }

  /**
   * Runs one inference so the first request does not pay for lazy allocations, then sets `ready`.
   * Default feeds are zeros (empty strings for BYTES) shaped from the signature, dynamic dims = 1;
   * pass `examples` for models that cannot take those. Throws `ModelRunError` if the model fails.
   */
  async warm(examples?: NamedTensor[]): Promise<void> {
    this.warming = true;
    try {
      const { timings } = await this.runTimed(examples ?? exampleFeeds(this.signature));
      this.warmedInMs = timings.toOrtMs + timings.inferMs + timings.fromOrtMs;
      this.warmed = true;
    } finally {
      this.warming = false;
    }
  }

  /**
   * A warm-up that refuses nothing: the model loaded, so it serves. A failed inference on `examples`
   * (or on synthetic zeros, which some valid models cannot take: integer `Mod` by zero, `OneHot` depth
   * 0…) is answered as a warning sentence, and the session is ready all the same.
   */
  async warmOrWarn(examples?: NamedTensor[]): Promise<string | undefined> {
    try {
      await this.warm(examples);
      return undefined;
    } catch (error) {
      if (!(error instanceof SibylError)) throw error;
      this.warmed = true;
      const what = examples ? "the model's input example" : 'a synthetic input (zeros, dynamic dimensions = 1)';
      return `The warm-up inference on ${what} failed, so the first request pays the warm-up cost: ${error.message}`;
    }
  }

  /** Runs the model; returns the requested outputs (all, in signature order, by default). */
  async run(feeds: readonly NamedTensor[], outputNames?: readonly string[]): Promise<NamedTensor[]> {
    return (await this.runTimed(feeds, outputNames)).outputs;
  }

  /** `run`, plus how long each stage took. */
  async runTimed(
    feeds: readonly NamedTensor[],
    outputNames?: readonly string[],
  ): Promise<{ outputs: NamedTensor[]; timings: RunTimings }> {
    if (this.closing) throw new SessionClosedError();
    const t0 = performance.now();
    const ortFeeds = toOrtFeeds(feeds, this.signature);
    const fetches = outputNamesFor(outputNames, this.signature);
    const t1 = performance.now();
    const running = this.session.run(ortFeeds, fetches);
    this.inflight.add(running);
    let results: InferenceSession.ReturnType;
    try {
      results = await running;
    } catch (error) {
      throw new ModelRunError(`ONNX Runtime failed to run the model: ${ortErrorMessage(error)}`, { cause: error });
    } finally {
      this.inflight.delete(running);
    }
    const t2 = performance.now();
    const outputs = fetches.map((name) => fromOrtTensor(name, results[name]));
    return { outputs, timings: { toOrtMs: t1 - t0, inferMs: t2 - t1, fromOrtMs: performance.now() - t2 } };
  }

  /** Refuses new runs, waits for runs in flight, then frees the native session. Idempotent. */
  release(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled([...this.inflight]);
      await this.session.release();
      this.closed = true;
    })();
    return this.closing;
  }
}
