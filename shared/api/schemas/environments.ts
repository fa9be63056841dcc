/**
 * Environments: how a deployment runs its model (execution providers, ONNX Runtime threading and
 * graph optimisation, and where it computes). `ort-cpu@1` and `ort-cuda@1` are curated.
 */
import { Type, type Static } from '@sinclair/typebox';
import { AssetName, Timestamp, VersionNumber, closedObject, listOf, stringEnum } from './common';

const threads = (what: string) =>
  Type.Integer({
    minimum: 0,
    maximum: 256,
    description: `ONNX Runtime ${what} thread count; 0 lets ONNX Runtime choose.`,
  });

/** Where a deployment computes: in the Function App, or forwarded to the scorer container (CPU or GPU). */
export const Compute = closedObject(
  'Compute',
  {
    kind: stringEnum(['functions', 'container', 'gpu'] as const, {
      description:
        '`functions` runs in the Function App; `container` and `gpu` forward to the scorer on Container Apps (CPU or GPU profile).',
    }),
    gpu: Type.Optional(stringEnum(['T4', 'A100'] as const, { description: 'The GPU profile when `kind` is `gpu`.' })),
  },
  {
    description: 'Where the model runs.',
    examples: [{ kind: 'gpu', gpu: 'T4' }],
  },
);
export type Compute = Static<typeof Compute>;

const routePath = (what: string) =>
  Type.String({ pattern: '^/', maxLength: 1024, description: `The ${what} route; starts with '/'.` });

/** Software fields (environments issue): what runs a deployment's model besides ONNX Runtime's settings. */
const runtimeFields = {
  runtime: Type.Optional(
    stringEnum(['onnx', 'python', 'node', 'custom'] as const, {
      description:
        '`onnx` (the default) serves the model with ONNX Runtime; `python` runs a scoring script (`init()`/`run()`), ' +
        '`node` a scoring module, `custom` your own server. User code runs on `container`/`gpu` compute only.',
    }),
  ),
  pythonVersion: Type.Optional(
    Type.String({ pattern: '^3\\.[0-9]{1,2}$', description: 'Python version (`python`); default `3.11`.' }),
  ),
  conda: Type.Optional(
    Type.String({ minLength: 1, maxLength: 65536, description: 'The YAML text of a Conda file (`python`).' }),
  ),
  pip: Type.Optional(
    Type.Union(
      [
        Type.Array(Type.String({ minLength: 1, maxLength: 1024 }), { maxItems: 1000 }),
        Type.String({ maxLength: 65536 }),
      ],
      { description: 'Requirement lines for pip (`python`); a string is split on newlines.' },
    ),
  ),
  image: Type.Optional(
    Type.String({ minLength: 1, maxLength: 1024, description: 'The image of a `custom` server (Azure).' }),
  ),
  command: Type.Optional(
    Type.Array(Type.String({ maxLength: 4096 }), {
      minItems: 1,
      maxItems: 256,
      description: "The argv of a `custom` server started locally in the code asset's folder, with `PORT` set.",
    }),
  ),
  port: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 65535, description: 'The port a `custom` server listens on; default 8080.' }),
  ),
  routes: Type.Optional(
    Type.Object(
      {
        liveness: Type.Optional(routePath('liveness')),
        readiness: Type.Optional(routePath('readiness')),
        scoring: Type.Optional(routePath('scoring')),
      },
      { additionalProperties: false, description: "Routes of a `custom` server (Azure ML's inference_config)." },
    ),
  ),
  protocol: Type.Optional(
    stringEnum(['azureml', 'oip'] as const, {
      description:
        '`azureml` (default): the score route goes to `routes.scoring` with the raw body; `oip`: OIP routes are forwarded unchanged too.',
    }),
  ),
  variables: Type.Optional(
    Type.Record(Type.String(), Type.String({ maxLength: 32768 }), {
      propertyNames: Type.String({
        pattern: '^(?![Ss][Ii][Bb][Yy][Ll]_|[Aa][Zz][Uu][Rr][Ee][Mm][Ll]_)[A-Za-z_][A-Za-z0-9_]{0,255}$',
        description:
          'An environment variable name: letters, digits and `_`, not starting with a digit, `SIBYL_` or `AZUREML_`.',
      }),
      description: 'Environment variables of the user process.',
    }),
  ),
  dockerfile: Type.Optional(
    Type.String({ minLength: 1, maxLength: 65536, description: 'Dockerfile text (`python`/`custom`, in Azure).' }),
  ),
};

const executionProviders = Type.Array(stringEnum(['cpu', 'cuda'] as const), {
  minItems: 1,
  uniqueItems: true,
  description: 'ONNX Runtime execution providers, in order of preference; default `["cpu"]`.',
});

const specFields = {
  executionProviders: Type.Optional(executionProviders),
  intraOpNumThreads: Type.Optional(threads('intra-op')),
  interOpNumThreads: Type.Optional(threads('inter-op')),
  graphOptimizationLevel: Type.Optional(
    stringEnum(['disabled', 'basic', 'extended', 'all'] as const, {
      description: 'ONNX Runtime graph optimisation level.',
    }),
  ),
  compute: Type.Optional(Compute),
  ...runtimeFields,
};

/** `PUT api/environments/{name}`: registers a new version of a custom environment. */
export const EnvironmentSpec = closedObject('EnvironmentSpec', specFields, {
  description: 'A custom environment; each PUT registers a new version.',
  examples: [
    {
      executionProviders: ['cpu'],
      intraOpNumThreads: 2,
      graphOptimizationLevel: 'all',
      compute: { kind: 'functions' },
    },
    { executionProviders: ['cuda', 'cpu'], compute: { kind: 'gpu', gpu: 'T4' } },
    { runtime: 'python', pythonVersion: '3.11', pip: ['numpy==2.1.0'], variables: { LOG_LEVEL: 'info' } },
    {
      runtime: 'custom',
      command: ['python3', 'server.py'],
      image: 'myregistry.azurecr.io/server:1',
      port: 8080,
      routes: { liveness: '/health', readiness: '/health', scoring: '/score' },
      protocol: 'azureml',
    },
  ],
});
export type EnvironmentSpec = Static<typeof EnvironmentSpec>;

/** A registered environment version (curated or custom). */
export const Environment = Type.Object(
  {
    name: AssetName,
    version: VersionNumber,
    curated: Type.Boolean({
      description: 'True for the built-in environments (`ort-cpu`, `ort-cuda`, `python-3.11`).',
    }),
    ...specFields,
    executionProviders,
    createdAt: Type.Optional(Timestamp),
  },
  {
    title: 'Environment',
    description: 'An environment version; refer to it as `name@version`.',
    examples: [
      {
        name: 'ort-cpu',
        version: 1,
        curated: true,
        executionProviders: ['cpu'],
        graphOptimizationLevel: 'all',
        compute: { kind: 'functions' },
      },
    ],
  },
);
export type Environment = Static<typeof Environment>;

export const EnvironmentList = listOf(Environment, 'EnvironmentList');
export type EnvironmentList = Static<typeof EnvironmentList>;

export const EnvironmentParams = Type.Object({ name: AssetName });
