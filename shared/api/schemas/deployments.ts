/**
 * Deployments: a model version served behind an endpoint, with its environment, instance limits,
 * dynamic batching and request timeout. `PUT` answers once the deployment can serve.
 */
import { Type, type Static } from '@sinclair/typebox';
import { DeploymentName, EndpointName, EnvironmentRef, ModelRef, Timestamp, closedObject, stringEnum } from './common';
import { DataCollection } from './monitoring';

/**
 * Instance limits. `functions` deployments take only `maxConcurrentRequestsPerInstance` (Flex Consumption
 * scales the whole app); `container`/`gpu` ones run replicas of their own: `minInstances` (default 1),
 * `maxInstances` (default 3), the autoscaling target, the scale-in delay and (container) the size.
 */
export const InstanceSettings = closedObject(
  'InstanceSettings',
  {
    minInstances: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 1000, description: 'Instances kept warm (0 = scale to zero).' }),
    ),
    maxInstances: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Upper bound on instances.' })),
    maxConcurrentRequestsPerInstance: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1000,
        description:
          'Requests one instance scores at once; more wait, and past the queue limit get 429. ' +
          'For `container`/`gpu` also the autoscaling target (default 128 for `functions`, 16 for `container`/`gpu`).',
      }),
    ),
    scaleInDelaySeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 3600,
        description: '`container`/`gpu`: seconds load must stay low before a replica is removed (default 300).',
      }),
    ),
    cpu: Type.Optional(
      Type.Number({
        minimum: 0.25,
        maximum: 4,
        multipleOf: 0.25,
        description: '`container` only: vCPUs per replica, 0.25 to 4 in steps of 0.25 (default 1).',
      }),
    ),
    memoryGi: Type.Optional(
      Type.Number({
        minimum: 0.5,
        maximum: 8,
        multipleOf: 0.5,
        description: '`container` only: memory per replica in GiB; Consumption needs 2 × cpu (default 2).',
      }),
    ),
  },
  {
    description: 'Scale limits; fields left out take the service defaults.',
    examples: [
      {
        minInstances: 0,
        maxInstances: 4,
        maxConcurrentRequestsPerInstance: 16,
        scaleInDelaySeconds: 300,
        cpu: 1,
        memoryGi: 2,
      },
    ],
  },
);
export type InstanceSettings = Static<typeof InstanceSettings>;

/** Server-side dynamic batching: requests are merged up to `maxBatchSize` rows or `maxQueueDelayMs`. */
export const BatchingSettings = closedObject(
  'BatchingSettings',
  {
    maxBatchSize: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1024, description: 'Most rows merged into one model run.' }),
    ),
    maxQueueDelayMs: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 10000,
        description: 'Longest a request waits for others to join its batch.',
      }),
    ),
  },
  {
    description: 'Dynamic batching settings.',
    examples: [{ maxBatchSize: 32, maxQueueDelayMs: 5 }],
  },
);
export type BatchingSettings = Static<typeof BatchingSettings>;

const requestTimeoutMs = Type.Integer({
  minimum: 1,
  maximum: 180000,
  description: 'Per-request scoring timeout in ms (Azure ML caps it at 180000); past it the answer is 408.',
});

/** Azure ML's `code_configuration`: the code asset and the scoring script in it. */
export const CodeConfiguration = closedObject(
  'CodeConfiguration',
  {
    code: Type.String({
      pattern: '^.+:[0-9]{1,9}$',
      description: 'The code asset as `name:version`, e.g. `fraud-scorer:1`.',
      examples: ['fraud-scorer:1'],
    }),
    scoringScript: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1024,
        description: 'Path of the scoring script in the code asset; required for `python` and `node` runtimes.',
        examples: ['score.py'],
      }),
    ),
  },
  {
    description: 'The user code a `python`, `node` or `custom` environment runs.',
    examples: [{ code: 'fraud-scorer:1', scoringScript: 'score.py' }],
  },
);
export type CodeConfiguration = Static<typeof CodeConfiguration>;

/** `PUT api/endpoints/{name}/deployments/{deployment}`. */
export const DeploymentSpec = closedObject(
  'DeploymentSpec',
  {
    model: ModelRef,
    environment: Type.Optional(EnvironmentRef),
    code: Type.Optional(CodeConfiguration),
    instance: Type.Optional(InstanceSettings),
    batching: Type.Optional(BatchingSettings),
    requestTimeoutMs: Type.Optional(requestTimeoutMs),
    dataCollection: Type.Optional(DataCollection),
  },
  {
    description: 'A deployment of one model version; `environment` defaults to `ort-cpu@1`.',
    examples: [
      { model: 'iris:1' },
      {
        model: 'iris@production',
        environment: 'ort-cpu@1',
        instance: { maxConcurrentRequestsPerInstance: 16 },
        batching: { maxBatchSize: 32, maxQueueDelayMs: 5 },
        requestTimeoutMs: 5000,
      },
      { model: 'fraud:2', environment: 'python-3.11@1', code: { code: 'fraud-scorer:1', scoringScript: 'score.py' } },
    ],
  },
);
export type DeploymentSpec = Static<typeof DeploymentSpec>;

/** Lifecycle of a deployment (Azure ML's provisioning states). */
export const ProvisioningState = stringEnum(['Creating', 'Updating', 'Succeeded', 'Failed', 'Deleting'] as const, {
  description: 'Where the deployment is in its lifecycle; `Succeeded` means it can serve.',
});

/** One replica of a `container`/`gpu` deployment. */
export const ReplicaStatus = Type.Object(
  {
    name: Type.String(),
    state: stringEnum(['Starting', 'Ready', 'Draining', 'Failed'] as const, {
      description: 'Only `Ready` replicas take requests.',
    }),
    inFlight: Type.Integer({ minimum: 0, description: 'Requests it is answering now.' }),
    startedAt: Timestamp,
  },
  { title: 'ReplicaStatus' },
);

/** Replicas of a `container`/`gpu` deployment, as its compute reports them. */
export const ScaleStatus = Type.Object(
  {
    desiredReplicas: Type.Integer({ minimum: 0, description: 'What the autoscaler wants now.' }),
    readyReplicas: Type.Integer({ minimum: 0, description: 'Replicas of the serving revision that take requests.' }),
    replicas: Type.Array(ReplicaStatus),
  },
  { title: 'ScaleStatus', description: '`container`/`gpu` deployments only.' },
);

/** A deployment as stored and answered. */
export const Deployment = Type.Object(
  {
    name: DeploymentName,
    endpoint: EndpointName,
    model: ModelRef,
    resolvedModel: Type.Optional(
      Type.String({
        description: 'The `name:version` the model reference resolved to when the deployment was created.',
      }),
    ),
    environment: EnvironmentRef,
    code: Type.Optional(CodeConfiguration),
    instance: Type.Optional(InstanceSettings),
    batching: Type.Optional(BatchingSettings),
    requestTimeoutMs: Type.Optional(requestTimeoutMs),
    dataCollection: Type.Optional(DataCollection),
    provisioningState: Type.Optional(ProvisioningState),
    error: Type.Optional(
      Type.String({ description: 'Why the last create or update failed, when `provisioningState` is `Failed`.' }),
    ),
    scale: Type.Optional(ScaleStatus),
    createdAt: Type.Optional(Timestamp),
    updatedAt: Type.Optional(Timestamp),
    warnings: Type.Optional(
      Type.Array(Type.String(), {
        description: 'What went less than well while loading, e.g. a failed warm-up inference.',
      }),
    ),
  },
  {
    title: 'Deployment',
    description: 'A deployment of an endpoint.',
    examples: [
      {
        name: 'blue',
        endpoint: 'iris',
        model: 'iris@production',
        resolvedModel: 'iris:1',
        environment: 'ort-cpu@1',
        batching: { maxBatchSize: 32, maxQueueDelayMs: 5 },
        requestTimeoutMs: 5000,
        provisioningState: 'Succeeded',
      },
    ],
  },
);
export type Deployment = Static<typeof Deployment>;

export const DeploymentParams = Type.Object({ name: EndpointName, deployment: DeploymentName });
