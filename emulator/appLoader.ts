/**
 * Loads a Functions app the way the Node worker does (docs/local-host-contract.md, "The Node worker protocol"): `package.json` `main` as a
 * glob, each file by the worker's ESM/CJS rule, `appStart` hooks, then the registration lock and
 * the capabilities handshake.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import fg from 'fast-glob';
import { state } from './core/functionsCore';

/** The capabilities the Node worker advertises to the host by default. */
const DEFAULT_CAPABILITIES: Record<string, string> = {
  RawHttpBodyBytes: 'true',
  RpcHttpTriggerMetadataRemoved: 'true',
  RpcHttpBodyOnly: 'true',
  IgnoreEmptyValuedRpcHttpHeaders: 'true',
  UseNullableValueDictionaryForHttp: 'true',
  WorkerStatus: 'true',
  TypedDataCollection: 'true',
  HandlesWorkerTerminateMessage: 'true',
};

export interface LoadedApp {
  appDir: string;
  entryFiles: string[];
  capabilities: Record<string, string>;
}

interface AppPackageJson {
  main?: string;
  type?: string;
}

export async function loadApp(appDir: string): Promise<LoadedApp> {
  const pkg = JSON.parse(fs.readFileSync(path.join(appDir, 'package.json'), 'utf8')) as AppPackageJson;
  if (!pkg.main)
    throw new Error(`${path.join(appDir, 'package.json')} has no "main": name the app's entry files (a glob).`);
  const entryFiles = (await fg(pkg.main, { cwd: appDir, absolute: true, onlyFiles: true })).sort();
  if (entryFiles.length === 0) {
    throw new Error(
      `Found zero files matching the supplied pattern "${pkg.main}" in ${appDir}. Did you run "npm run build"?`,
    );
  }
  for (const file of entryFiles) {
    state.currentEntryPoint = file;
    try {
      if (usesEsm(file, pkg)) await import(pathToFileURL(file).href);
      // The worker loads CommonJS entry files with require (ESM ones with import()).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      else require(file);
    } catch (error) {
      throw new Error(
        `Worker was unable to load entry point "${path.relative(appDir, file)}": ${(error as Error).message}`,
        { cause: error },
      );
    } finally {
      state.currentEntryPoint = undefined;
    }
  }
  const appStartContext = {
    hookData: state.appLevelOnlyHookData,
    appHookData: state.appHookData,
    functionAppDirectory: appDir,
  };
  for (const hook of state.hooks.appStart) await hook(appStartContext);
  state.registrationLocked = true;
  const model = state.programmingModel;
  const capabilities = model?.getCapabilities
    ? await model.getCapabilities({ ...DEFAULT_CAPABILITIES })
    : { ...DEFAULT_CAPABILITIES };
  return { appDir, entryFiles, capabilities };
}

function usesEsm(file: string, pkg: AppPackageJson): boolean {
  if (file.endsWith('.mjs')) return true;
  if (file.endsWith('.cjs')) return false;
  return pkg.type === 'module';
}

/** Runs `appTerminate` hooks (on shutdown). */
export async function terminateApp(): Promise<void> {
  const context = { hookData: state.appLevelOnlyHookData, appHookData: state.appHookData };
  for (const hook of state.hooks.appTerminate) await hook(context);
}
