/**
 * Environments: how a deployment runs its model (execution providers, ONNX Runtime threading and
 * graph optimisation, and where it computes). `ort-cpu@1` and `ort-cuda@1` are curated.
 */
import { Type, type Static } from '@sinclair/typebox';
import { AssetName, Timestamp, VersionNumber, listOf, stringEnum } from './common';

const threads = (what: string) =>
  Type.Integer({
    minimum: 0,
    maximum: 256,
    description: `ONNX Runtime ${what} thread count; 0 lets ONNX Runtime choose.`,
  });

/** Where a deployment computes: in the Function App, or forwarded to the scorer container (CPU or GPU). */
export const Compute = Type.Object(
  {
    kind: stringEnum(['functions', 'container', 'gpu'] as const, {
      description:
        '`functions` runs in the Function App; `container` and `gpu` forward to the scorer on Container Apps (CPU or GPU profile).',
    }),
    gpu: Type.Optional(stringEnum(['T4', 'A100'] as const, { description: 'The GPU profile when `kind` is `gpu`.' })),
  },
  {
    title: 'Compute',
    additionalProperties: false,
    description: 'Where the model runs.',
    examples: [{ kind: 'gpu', gpu: 'T4' }],
  },
);
export type Compute = Static<typeof Compute>;

const specFields = {
  executionProviders: Type.Array(stringEnum(['cpu', 'cuda'] as const), {
    minItems: 1,
    uniqueItems: true,
    description: 'ONNX Runtime execution providers, in order of preference.',
  }),
  intraOpNumThreads: Type.Optional(threads('intra-op')),
  interOpNumThreads: Type.Optional(threads('inter-op')),
  graphOptimizationLevel: Type.Optional(
    stringEnum(['disabled', 'basic', 'extended', 'all'] as const, {
      description: 'ONNX Runtime graph optimisation level.',
    }),
  ),
  compute: Type.Optional(Compute),
};

/** `PUT api/environments/{name}`: registers a new version of a custom environment. */
export const EnvironmentSpec = Type.Object(specFields, {
  title: 'EnvironmentSpec',
  additionalProperties: false,
  description: 'A custom environment; each PUT registers a new version.',
  examples: [
    {
      executionProviders: ['cpu'],
      intraOpNumThreads: 2,
      graphOptimizationLevel: 'all',
      compute: { kind: 'functions' },
    },
    { executionProviders: ['cuda', 'cpu'], compute: { kind: 'gpu', gpu: 'T4' } },
  ],
});
export type EnvironmentSpec = Static<typeof EnvironmentSpec>;

/** A registered environment version (curated or custom). */
export const Environment = Type.Object(
  {
    name: AssetName,
    version: VersionNumber,
    curated: Type.Boolean({ description: 'True for the built-in environments (`ort-cpu`, `ort-cuda`).' }),
    ...specFields,
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
