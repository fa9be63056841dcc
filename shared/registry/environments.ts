/**
 * Environments: how a deployment's model runs (execution providers, threads, graph optimization,
 * compute kind). `ort-cpu@1` and `ort-cuda@1` are built in and read-only; custom ones are versioned
 * in Cosmos (container `environments`, partition key `/name`).
 */
import { SibylError } from '../errors';
import type { ExecutionProviderName } from '../scoring/executionProviders';
import type { ModelSessionOptions } from '../scoring/modelSession';
import { isNotFound } from '../storage/cosmosErrors';
import { getContainer } from '../storage/cosmosDatabase';
import { releaseVersion, reserveVersion, type VersionHead } from '../storage/versionCounter';
import { checkRuntimeFields, runsUserCode, type RuntimeFields, type RuntimeFieldsInput } from './environmentRuntime';
import { assertName } from './modelReference';

export type ComputeKind = 'functions' | 'container' | 'gpu';

/** A stored environment version's settings: ONNX Runtime's, where it computes, and the software it carries. */
export interface EnvironmentSpec extends RuntimeFields {
  executionProviders: ExecutionProviderName[];
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  compute?: { kind: ComputeKind; gpu?: 'T4' | 'A100' };
}

/** What a client sends to register a version: `executionProviders` defaults to `["cpu"]`. */
export type EnvironmentInput = Omit<EnvironmentSpec, 'executionProviders' | keyof RuntimeFields> &
  RuntimeFieldsInput & { executionProviders?: ExecutionProviderName[] };

/** `Environment` of the API. */
export interface Environment extends EnvironmentSpec {
  name: string;
  version: number;
  /** `name@version`, what a deployment names. */
  reference: string;
  curated: boolean;
  createdAt: string;
}

/** The ONNX Runtime session settings an environment sets. */
export function sessionOptionsOf(environment: EnvironmentSpec): ModelSessionOptions {
  return {
    executionProviders: environment.executionProviders,
    intraOpNumThreads: environment.intraOpNumThreads,
    interOpNumThreads: environment.interOpNumThreads,
    graphOptimizationLevel: environment.graphOptimizationLevel,
  };
}

interface EnvironmentVersionDoc extends Environment {
  id: string;
  type: 'environmentVersion';
}

const BUILT_IN_DATE = '2026-01-01T00:00:00.000Z';

export const CURATED_ENVIRONMENTS: readonly Environment[] = Object.freeze([
  {
    name: 'ort-cpu',
    version: 1,
    reference: 'ort-cpu@1',
    curated: true,
    createdAt: BUILT_IN_DATE,
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    compute: { kind: 'functions' },
  },
  {
    name: 'ort-cuda',
    version: 1,
    reference: 'ort-cuda@1',
    curated: true,
    createdAt: BUILT_IN_DATE,
    executionProviders: ['cuda', 'cpu'],
    graphOptimizationLevel: 'all',
    compute: { kind: 'gpu', gpu: 'T4' },
  },
  {
    name: 'python-3.11',
    version: 1,
    reference: 'python-3.11@1',
    curated: true,
    createdAt: BUILT_IN_DATE,
    executionProviders: ['cpu'],
    runtime: 'python',
    pythonVersion: '3.11',
    compute: { kind: 'container' },
  },
]);

export const DEFAULT_ENVIRONMENT = 'ort-cpu@1';

const environments = () => getContainer('environments');

function checkSpec(spec: EnvironmentSpec): void {
  if (spec.compute?.gpu && spec.compute.kind !== 'gpu') {
    throw new SibylError(
      'InvalidInput',
      `compute.gpu is only meaningful with compute.kind 'gpu' (got '${spec.compute.kind}').`,
    );
  }
  if (spec.executionProviders.includes('cuda') && spec.compute?.kind === 'functions') {
    throw new SibylError(
      'InvalidInput',
      "The CUDA execution provider needs GPU compute: set compute.kind to 'gpu' (Function App instances have no GPU).",
    );
  }
}

/** The stored form of `input`: defaults filled in (user-code runtimes compute on `container`), fields checked. */
function specOf(input: EnvironmentInput): EnvironmentSpec {
  const { executionProviders, intraOpNumThreads, interOpNumThreads, graphOptimizationLevel, compute } = input;
  const software = checkRuntimeFields(input, compute?.kind);
  if (!executionProviders && !runsUserCode(software))
    throw new SibylError(
      'InvalidInput',
      'executionProviders is required for runtime \'onnx\' (e.g. ["cpu"]); other runtimes default it to ["cpu"].',
      [{ target: 'executionProviders', message: 'required' }],
    );
  return {
    executionProviders: executionProviders ?? ['cpu'],
    ...(intraOpNumThreads !== undefined ? { intraOpNumThreads } : {}),
    ...(interOpNumThreads !== undefined ? { interOpNumThreads } : {}),
    ...(graphOptimizationLevel !== undefined ? { graphOptimizationLevel } : {}),
    ...(compute ? { compute } : runsUserCode(software) ? { compute: { kind: 'container' } } : {}),
    ...software,
  };
}

/** Registers a new version of a custom environment. */
export async function putEnvironment(name: string, input: EnvironmentInput): Promise<Environment> {
  assertName('Environment', name);
  if (CURATED_ENVIRONMENTS.some((e) => e.name === name)) {
    throw new SibylError(
      'Conflict',
      `'${name}' is a curated environment and cannot be changed; register yours under another name.`,
    );
  }
  const spec = specOf(input);
  checkSpec(spec);
  const version = await reserveVersion<VersionHead>(environments(), name, 'environment', () => ({}));
  const env: Environment = {
    ...spec,
    name,
    version,
    reference: `${name}@${version}`,
    curated: false,
    createdAt: new Date().toISOString(),
  };
  try {
    await environments().items.create<EnvironmentVersionDoc>({ ...env, id: `v${version}`, type: 'environmentVersion' });
  } catch (error) {
    await releaseVersion(environments(), name, version);
    throw error;
  }
  return env;
}

function strip(doc: EnvironmentVersionDoc): Environment {
  const { id: _id, type: _type, ...environment } = doc;
  // Cosmos adds its own `_`-prefixed fields (_rid, _etag, …); an environment has none.
  return Object.fromEntries(
    Object.entries(environment).filter(([key]) => !key.startsWith('_')),
  ) as unknown as Environment;
}

export async function listEnvironments(): Promise<Environment[]> {
  const { resources } = await environments()
    .items.query<EnvironmentVersionDoc>("SELECT * FROM c WHERE c.type = 'environmentVersion'")
    .fetchAll();
  return [
    ...CURATED_ENVIRONMENTS,
    ...resources.map(strip).sort((a, b) => a.name.localeCompare(b.name) || a.version - b.version),
  ];
}

/** Resolves `name@version` (or `name` for its latest version). */
export async function resolveEnvironment(reference: string): Promise<Environment> {
  const m = /^([^@]+)(?:@(\d{1,9}))?$/.exec(reference);
  if (!m)
    throw new SibylError(
      'InvalidInput',
      `'${reference.slice(0, 100)}' is not an environment reference: use 'name@version', e.g. 'ort-cpu@1'.`,
    );
  const name = m[1]!;
  const version = m[2] === undefined ? undefined : Number(m[2]);
  const curated = CURATED_ENVIRONMENTS.find((e) => e.name === name && (version === undefined || e.version === version));
  if (curated) return curated;
  assertName('Environment', name);
  // c.name repeats the partition key: the local Cosmos server ignores a query's partitionKey option.
  const query =
    version === undefined
      ? {
          query: "SELECT TOP 1 * FROM c WHERE c.type = 'environmentVersion' AND c.name = @name ORDER BY c.version DESC",
          parameters: [{ name: '@name', value: name }],
        }
      : {
          query: "SELECT * FROM c WHERE c.type = 'environmentVersion' AND c.name = @name AND c.version = @v",
          parameters: [
            { name: '@name', value: name },
            { name: '@v', value: version },
          ],
        };
  try {
    const { resources } = await environments()
      .items.query<EnvironmentVersionDoc>(query, { partitionKey: name })
      .fetchAll();
    if (resources[0]) return strip(resources[0]);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  throw new SibylError(
    'EnvironmentNotFound',
    `Environment '${reference}' does not exist. List environments with GET api/environments.`,
  );
}
