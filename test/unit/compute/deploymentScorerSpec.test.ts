/** What a `container`/`gpu` deployment asks of its compute: bounds, size, and the settings each replica gets. */
import { scorerAppSpecOf } from '../../../shared/compute/deploymentScorerSpec';
import type { DeploymentDoc } from '../../../shared/endpoints/endpointDocuments';
import type { Environment } from '../../../shared/registry/environments';

const doc: DeploymentDoc = {
  id: 'deployment:blue',
  type: 'deployment',
  endpoint: 'iris',
  name: 'blue',
  model: 'iris@prod',
  modelName: 'iris',
  modelVersion: 3,
  environment: 'boxed@1',
  instance: {
    minInstances: 0,
    maxInstances: 4,
    maxConcurrentRequestsPerInstance: 8,
    scaleInDelaySeconds: 60,
    cpu: 0.5,
  },
  batching: { maxBatchSize: 32, maxQueueDelayMs: 5 },
  requestTimeoutMs: 5000,
  provisioningState: 'Succeeded',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

const container: Environment = {
  name: 'boxed',
  version: 1,
  reference: 'boxed@1',
  curated: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  executionProviders: ['cpu'],
  intraOpNumThreads: 2,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'extended',
  compute: { kind: 'container' },
};

describe('scorerAppSpecOf', () => {
  it('maps the instance settings to replica bounds and size', () => {
    const spec = scorerAppSpecOf(doc, container, 'container');
    expect(spec).toMatchObject({
      endpoint: 'iris',
      deployment: 'blue',
      kind: 'container',
      minReplicas: 0,
      maxReplicas: 4,
      concurrentRequests: 8,
      scaleInDelaySeconds: 60,
      cpu: 0.5,
      memoryGi: 1,
      runtime: 'onnx',
    });
  });

  it("passes the model, the deployment's batching and the environment's threads to each replica", () => {
    expect(scorerAppSpecOf(doc, container, 'container').settings).toEqual({
      SIBYL_SCORER_MODEL: 'iris:3',
      SIBYL_SCORER_MAX_BATCH_SIZE: '32',
      SIBYL_SCORER_MAX_QUEUE_DELAY_MS: '5',
      SIBYL_SCORER_EXECUTION_PROVIDERS: 'cpu',
      SIBYL_SCORER_INTRA_OP_THREADS: '2',
      SIBYL_SCORER_INTER_OP_THREADS: '1',
      SIBYL_SCORER_GRAPH_OPTIMIZATION: 'extended',
    });
  });

  it('names the GPU profile and no size for gpu deployments', () => {
    const gpu: Environment = {
      ...container,
      executionProviders: ['cuda', 'cpu'],
      compute: { kind: 'gpu', gpu: 'A100' },
    };
    const spec = scorerAppSpecOf({ ...doc, instance: { maxInstances: 2 } }, gpu, 'gpu');
    expect(spec).toMatchObject({
      kind: 'gpu',
      gpu: 'A100',
      minReplicas: 1,
      maxReplicas: 2,
      concurrentRequests: 16,
      scaleInDelaySeconds: 300,
    });
    expect(spec.cpu).toBeUndefined();
    expect(spec.settings.SIBYL_SCORER_EXECUTION_PROVIDERS).toBe('cuda,cpu');
  });

  it('changes the revision when what replicas run changes, not when only their number does', () => {
    const base = scorerAppSpecOf(doc, container, 'container').revision;
    expect(
      scorerAppSpecOf({ ...doc, instance: { ...doc.instance, maxInstances: 9 } }, container, 'container').revision,
    ).toBe(base);
    expect(scorerAppSpecOf({ ...doc, modelVersion: 4 }, container, 'container').revision).not.toBe(base);
    expect(scorerAppSpecOf({ ...doc, batching: { maxBatchSize: 8 } }, container, 'container').revision).not.toBe(base);
    expect(scorerAppSpecOf(doc, { ...container, intraOpNumThreads: 4 }, 'container').revision).not.toBe(base);
  });
});
