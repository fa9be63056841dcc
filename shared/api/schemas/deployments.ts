/**
 * Deployments: a model version served behind an endpoint, with its environment, instance limits,
 * dynamic batching and request timeout. `PUT` answers once the deployment can serve.
 */
import { Type, type Static } from '@sinclair/typebox';
import { DeploymentName, EndpointName, EnvironmentRef, ModelRef, Timestamp, stringEnum } from './common';
import { DataCollection } from './monitoring';

/** Instance limits (Flex Consumption instances, or Container Apps replicas for `container`/`gpu`). */
export const InstanceSettings = Type.Object(
  {
    minInstances: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: 'Instances kept warm (0 = scale to zero).' })),
    maxInstances: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Upper bound on instances.' })),
    maxConcurrentRequestsPerInstance: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1000, description: 'Requests one instance scores at once; more wait, and past the queue limit get 429.' }),
    ),
  },
  {
    title: 'InstanceSettings',
    additionalProperties: false,
    description: 'Scale limits; fields left out take the service defaults.',
    examples: [{ minInstances: 0, maxInstances: 4, maxConcurrentRequestsPerInstance: 16 }],
  },
);
export type InstanceSettings = Static<typeof InstanceSettings>;

/** Server-side dynamic batching: requests are merged up to `maxBatchSize` rows or `maxQueueDelayMs`. */
export const BatchingSettings = Type.Object(
  {
    maxBatchSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 1024, description: 'Most rows merged into one model run.' })),
    maxQueueDelayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000, description: 'Longest a request waits for others to join its batch.' })),
  },
  { title: 'BatchingSettings', additionalProperties: false, description: 'Dynamic batching settings.', examples: [{ maxBatchSize: 32, maxQueueDelayMs: 5 }] },
);
export type BatchingSettings = Static<typeof BatchingSettings>;

const requestTimeoutMs = Type.Integer({ minimum: 1, maximum: 180000, description: 'Per-request scoring timeout in ms (Azure ML caps it at 180000); past it the answer is 408.' });

/** `PUT api/endpoints/{name}/deployments/{deployment}`. */
export const DeploymentSpec = Type.Object(
  {
    model: ModelRef,
    environment: Type.Optional(EnvironmentRef),
    instance: Type.Optional(InstanceSettings),
    batching: Type.Optional(BatchingSettings),
    requestTimeoutMs: Type.Optional(requestTimeoutMs),
    dataCollection: Type.Optional(DataCollection),
  },
  {
    title: 'DeploymentSpec',
    additionalProperties: false,
    description: 'A deployment of one model version; `environment` defaults to `ort-cpu@1`.',
    examples: [
      { model: 'iris:1' },
      { model: 'iris@production', environment: 'ort-cpu@1', instance: { minInstances: 1, maxInstances: 4, maxConcurrentRequestsPerInstance: 16 }, batching: { maxBatchSize: 32, maxQueueDelayMs: 5 }, requestTimeoutMs: 5000 },
    ],
  },
);
export type DeploymentSpec = Static<typeof DeploymentSpec>;

/** Lifecycle of a deployment (Azure ML's provisioning states). */
export const ProvisioningState = stringEnum(['Creating', 'Updating', 'Succeeded', 'Failed', 'Deleting'] as const, {
  description: 'Where the deployment is in its lifecycle; `Succeeded` means it can serve.',
});

/** A deployment as stored and answered. */
export const Deployment = Type.Object(
  {
    name: DeploymentName,
    endpoint: EndpointName,
    model: ModelRef,
    resolvedModel: Type.Optional(Type.String({ description: 'The `name:version` the model reference resolved to when the deployment was created.' })),
    environment: EnvironmentRef,
    instance: Type.Optional(InstanceSettings),
    batching: Type.Optional(BatchingSettings),
    requestTimeoutMs: Type.Optional(requestTimeoutMs),
    dataCollection: Type.Optional(DataCollection),
    provisioningState: Type.Optional(ProvisioningState),
    createdAt: Type.Optional(Timestamp),
    updatedAt: Type.Optional(Timestamp),
    warnings: Type.Optional(Type.Array(Type.String(), { description: 'What went less than well while loading, e.g. a failed warm-up inference.' })),
  },
  {
    title: 'Deployment',
    description: 'A deployment of an endpoint.',
    examples: [{ name: 'blue', endpoint: 'iris', model: 'iris@production', resolvedModel: 'iris:1', environment: 'ort-cpu@1', batching: { maxBatchSize: 32, maxQueueDelayMs: 5 }, requestTimeoutMs: 5000, provisioningState: 'Succeeded' }],
  },
);
export type Deployment = Static<typeof Deployment>;

export const DeploymentParams = Type.Object({ name: EndpointName, deployment: DeploymentName });
