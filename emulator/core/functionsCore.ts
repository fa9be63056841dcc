/**
 * Stand-in for the worker's built-in `@azure/functions-core` module: the seven members the
 * `@azure/functions` library reads (docs/local-host-contract.md, "The Node worker protocol"). The loader resolves that module name to this
 * file; under Jest, `moduleNameMapper` does. State lives in one object so a host can inspect it.
 */
import * as path from 'node:path';
import type {
  CoreLogCategory,
  CoreLogLevel,
  FunctionCallback,
  FunctionMetadata,
  HookCallback,
  ProgrammingModel,
  RegisteredFunction,
} from './rpcTypes';

export class Disposable {
  static from(...likes: { dispose?: () => unknown }[]): Disposable {
    let list: typeof likes | undefined = likes;
    return new Disposable(() => {
      for (const like of list ?? []) like.dispose?.();
      list = undefined;
    });
  }

  #dispose: (() => unknown) | undefined;

  constructor(dispose: () => unknown) {
    this.#dispose = dispose;
  }

  dispose(): unknown {
    const fn = this.#dispose;
    this.#dispose = undefined;
    return fn?.();
  }
}

/** The library recognises exactly this flag to report "hook not supported by this host". */
class SystemRangeError extends RangeError {
  readonly isAzureFunctionsSystemError = true;
}

export type HookName = 'preInvocation' | 'postInvocation' | 'appStart' | 'appTerminate' | 'log';

export interface CoreLogRecord {
  level: CoreLogLevel;
  category: CoreLogCategory;
  message: string;
}

export interface CoreState {
  programmingModel: ProgrammingModel | undefined;
  programmingModels: string[];
  functions: Map<string, RegisteredFunction>;
  hooks: Record<HookName, HookCallback[]>;
  appHookData: Record<string, unknown>;
  appLevelOnlyHookData: Record<string, unknown>;
  registrationLocked: boolean;
  currentEntryPoint: string | undefined;
  /** Receives logs written outside any invocation. */
  logSink: (record: CoreLogRecord) => void;
}

export const state: CoreState = {
  programmingModel: undefined,
  programmingModels: [],
  functions: new Map(),
  hooks: { preInvocation: [], postInvocation: [], appStart: [], appTerminate: [], log: [] },
  appHookData: {},
  appLevelOnlyHookData: {},
  registrationLocked: false,
  currentEntryPoint: undefined,
  logSink: () => undefined,
};

export const version = '3.10.1-sibyl';
export const hostVersion = '4.1037.0.0';

export function registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): Disposable {
  if (state.registrationLocked) {
    throw Object.assign(new Error('A function can only be registered during app startup.'), {
      isAzureFunctionsSystemError: true,
    });
  }
  const functionId = metadata.functionId ?? metadata.name;
  if (state.functions.has(functionId)) {
    throw new Error(`A function with id "${functionId}" has already been registered.`);
  }
  const entry = state.currentEntryPoint;
  state.functions.set(functionId, {
    metadata: {
      ...metadata,
      functionId,
      rawBindings: Object.entries(metadata.bindings).map(([name, binding]) => JSON.stringify({ ...binding, name })),
      scriptFile: entry ? path.basename(entry) : 'unknown',
      directory: entry ? path.dirname(entry) : '',
    },
    callback,
  });
  return new Disposable(() => {
    if (state.registrationLocked) throw new Error('A function can only be disposed during app startup.');
    state.functions.delete(functionId);
  });
}

export function registerHook(name: string, callback: HookCallback): Disposable {
  const list = (state.hooks as Record<string, HookCallback[] | undefined>)[name];
  if (!list) throw new SystemRangeError(`Unrecognized hook "${name}"`);
  list.push(callback);
  return new Disposable(() => {
    const at = list.indexOf(callback);
    if (at >= 0) list.splice(at, 1);
  });
}

export function setProgrammingModel(model: ProgrammingModel): void {
  state.programmingModels.push(`${model.name}@${model.version}`);
  state.programmingModel = model;
}

export function getProgrammingModel(): ProgrammingModel | undefined {
  return state.programmingModel;
}

/** Its presence is also how the library detects HTTP-streaming support (docs/local-host-contract.md, "The Node worker protocol"). */
export function log(level: CoreLogLevel, category: CoreLogCategory, message: string): void {
  state.logSink({ level, category, message });
}
