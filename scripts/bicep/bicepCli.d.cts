/** Types of bicepCli.cjs: the Bicep CLI, found or restored from NuGet, and offline checks of infra/. */

/** The Bicep CLI version restored from NuGet. */
export declare const BICEP_VERSION: string;
/** Absolute path of infra/. */
export declare const INFRA_DIR: string;
/** The placeholder scope snapshots are evaluated at. */
export declare const SNAPSHOT_SCOPE: {
  tenantId: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  deploymentName: string;
};

/** One diagnostic the CLI printed. */
export interface BicepDiagnostic {
  file: string;
  line: number;
  column: number;
  level: 'Error' | 'Warning' | 'Info';
  code: string;
  message: string;
  text: string;
}

/** A failed step, with the diagnostics that failed it. */
export declare class BicepError extends Error {
  readonly diagnostics: BicepDiagnostic[];
}

export interface BicepCli {
  path: string;
  version: string;
  /** Where it came from: SIBYL_BICEP_PATH, PATH, cache (restored earlier) or NuGet (restored now). */
  source: 'SIBYL_BICEP_PATH' | 'PATH' | 'cache' | 'NuGet';
  /** Time to find (and restore) it. */
  ms: number;
}

export interface Logger {
  log?: (line: string) => void;
}

/** An ARM template or parameters file, as JSON. */
export type Json = Record<string, unknown>;

export interface CompiledInfra {
  bicep: BicepCli;
  /** Whether the result came from the cache (infra/ unchanged since it was compiled). */
  cached: boolean;
  ms: number;
  stepMs: { build: number; buildParams: number; lint: number; lintParams: number };
  templatePath: string;
  parametersPath: string;
  template: Json;
  parameters: Json;
}

/** A resource as `bicep snapshot` predicts it; runtime values are `[reference(...)]` strings. */
export interface PredictedResource {
  id: string;
  type: string;
  name: string;
  apiVersion: string;
  condition?: string;
  location?: string;
  kind?: string;
  sku?: Json;
  identity?: Json;
  tags?: Record<string, string>;
  properties?: Json;
}

export interface InfraSnapshot {
  predictedResources: PredictedResource[];
  diagnostics: unknown[];
  outputs: Record<string, unknown>;
  /** Warning/Error lines the CLI printed (e.g. a nested deployment it could not evaluate). */
  notes: string[];
  ms: number;
}

/** SIBYL_BICEP_PATH, else `bicep` on PATH, else the cached or freshly restored NuGet package. */
export declare function findBicep(options?: Logger): Promise<BicepCli>;

/** Builds and lints infra/main.bicep and main.bicepparam; throws BicepError on any diagnostic. */
export declare function compileInfra(options?: Logger): Promise<CompiledInfra>;

/**
 * Evaluates infra/ with main.bicepparam, its `param` lines replaced by `overrides` (raw Bicep
 * values, e.g. `{ gpuProfileType: "'Consumption-GPU-NC24-A100'" }`) and `env` for readEnvironmentVariable.
 */
export declare function snapshotInfra(
  options?: Logger & { overrides?: Record<string, string>; env?: Record<string, string> },
): Promise<InfraSnapshot>;

/** Parses `file(line,col) : Level code: message` lines. */
export declare function parseDiagnostics(text: string): BicepDiagnostic[];

/** Where infra/scorerApp.bicep's compiled ARM template ships (shared/compute/azure/scorerApp.template.json). */
export declare const SCORER_APP_TEMPLATE: string;

/** Builds and lints infra/scorerApp.bicep; with `write`, writes SCORER_APP_TEMPLATE. */
export declare function compileScorerApp(
  options?: Logger & { write?: boolean },
): Promise<{ template: Json; templatePath: string; cached: boolean }>;

/**
 * Type-checks parameter values against infra/scorerApp.bicep by building a .bicepparam from them
 * (`bicep build-params`); resolves the ARM parameters file or rejects with a BicepError.
 */
export declare function buildScorerAppParams(params: Record<string, unknown>, options?: Logger): Promise<Json>;
