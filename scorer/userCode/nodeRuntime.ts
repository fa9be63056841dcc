/**
 * The `node` runtime: a scoring module loaded in this process, exporting `init(context)` and
 * `run(body, context)` (either may be async). `context` holds `modelDir`, `ort` (onnxruntime-node) and,
 * for ONNX/MLflow models, `session`: an InferenceSession opened on the environment's execution
 * providers and threads, as the scorer opens its own. This is where pre- and post-processing around
 * an ONNX model is written in JavaScript.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';
import { isScorerSetting, scorerEnvironment, type ScorerConfig } from '../../shared/scorerConfig';
import { openOrtSession } from '../../shared/scoring/executionProviders';
import type { ModelFile } from '../../shared/scoring/modelSource';
import {
  jsonAnswer,
  reportUserError,
  scriptErrorAnswer,
  valueAnswer,
  type BatchOutcome,
  type MiniBatch,
  type UserAnswer,
  type UserCodeBackend,
} from './userCodeBackend';

export interface NodeScoringContext {
  modelDir: string | undefined;
  ort: typeof ort;
  session?: InferenceSession;
}

interface ScoringModule {
  init?: (context: NodeScoringContext) => unknown;
  run: (body: unknown, context: NodeScoringContext) => unknown;
}

/** `init()` threw, or the module cannot be loaded: the model cannot run here. */
export class UserInitError extends Error {
  constructor(readonly reason: unknown) {
    super(reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason));
  }
}

/** CommonJS, or an ES module without top-level await (Node's require() loads those). */
function load(file: string): ScoringModule {
  const loaded = createRequire(__filename)(file) as unknown;
  const candidates = [loaded, (loaded as { default?: unknown } | undefined)?.default];
  const module = candidates.find((m) => typeof (m as ScoringModule | undefined)?.run === 'function');
  if (!module) throw new Error(`The scoring module ${file} exports no run(body, context) function.`);
  return module as ScoringModule;
}

/**
 * The module shares this process: its environment loses the replica's own settings (read into the
 * config already), the key and the storage connection string among them, and gains the environment's
 * `variables`, as a Python script's process would.
 */
function scrubEnvironment(variables: Record<string, string>): void {
  const env = scorerEnvironment();
  for (const name of Object.keys(env)) if (isScorerSetting(name)) delete env[name];
  Object.assign(env, variables);
}

export interface NodeStart {
  config: ScorerConfig;
  codeDir: string;
  scoringScript: string;
  modelDir: string | undefined;
  /** The model's ONNX file, for `onnx`/`mlflow` models. */
  modelFile: ModelFile | undefined;
}

export class NodeRuntime implements UserCodeBackend {
  private constructor(
    private readonly module: ScoringModule,
    private readonly context: NodeScoringContext,
  ) {}

  /** Opens the session, loads the module and calls `init()`; a failure there is a `UserInitError`. */
  static async start({ config, codeDir, scoringScript, modelDir, modelFile }: NodeStart): Promise<NodeRuntime> {
    scrubEnvironment(config.userCode.runtime?.variables ?? {});
    const context: NodeScoringContext = { modelDir, ort };
    if (modelFile) {
      const { executionProviders, intraOpNumThreads, interOpNumThreads, graphOptimizationLevel } = config;
      const opened = await openOrtSession(modelFile, {
        executionProviders,
        intraOpNumThreads,
        interOpNumThreads,
        graphOptimizationLevel,
      });
      for (const warning of opened.warnings) process.stderr.write(`${warning}\n`);
      context.session = opened.session;
    }
    try {
      const module = load(path.resolve(codeDir, scoringScript));
      await module.init?.(context);
      return new NodeRuntime(module, context);
    } catch (error) {
      await context.session?.release();
      throw new UserInitError(error);
    }
  }

  ready(): Promise<boolean> {
    return Promise.resolve(true);
  }

  async score(body: Buffer, contentType: string | undefined, requestId: string): Promise<UserAnswer> {
    const text = body.toString('utf8');
    let input: unknown = text;
    if (/^application\/([\w.+-]*\+)?json\b/i.test(contentType ?? '')) {
      try {
        input = JSON.parse(text);
      } catch {
        return jsonAnswer(400, { error: { code: 'InvalidInput', message: 'The request body is not valid JSON.' } });
      }
    }
    try {
      return valueAnswer(await this.module.run(input, this.context));
    } catch (error) {
      reportUserError(requestId, 'run() raised an exception:', error);
      return scriptErrorAnswer(requestId);
    }
  }

  async batch(miniBatch: MiniBatch, requestId: string): Promise<BatchOutcome> {
    const input = 'files' in miniBatch ? miniBatch.files : miniBatch.rows;
    try {
      return { results: await this.module.run(input, this.context) };
    } catch (error) {
      reportUserError(requestId, 'run(mini_batch) raised an exception:', error);
      return { failed: scriptErrorAnswer(requestId) };
    }
  }

  async stop(): Promise<void> {
    await this.context.session?.release();
  }
}
