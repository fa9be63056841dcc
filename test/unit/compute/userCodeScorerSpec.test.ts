/** What a user-code deployment asks of its compute: its runtime and the settings that carry its code and software. */
import { scorerAppSpecOf } from '../../../shared/compute/deploymentScorerSpec';
import { userRuntimeOf } from '../../../shared/compute/userRuntime';
import type { DeploymentDoc } from '../../../shared/endpoints/endpointDocuments';
import { environmentHash } from '../../../shared/registry/environmentRuntime';
import type { Environment } from '../../../shared/registry/environments';

const doc: DeploymentDoc = {
  id: 'deployment:blue',
  type: 'deployment',
  endpoint: 'fraud',
  name: 'blue',
  model: 'weights:2',
  modelName: 'weights',
  modelVersion: 2,
  environment: 'py@1',
  code: { code: 'scorer:4', scoringScript: './src/score.py' },
  instance: {},
  batching: {},
  requestTimeoutMs: 5000,
  provisioningState: 'Succeeded',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

const python: Environment = {
  name: 'py',
  version: 1,
  reference: 'py@1',
  curated: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  executionProviders: ['cpu'],
  compute: { kind: 'container' },
  runtime: 'python',
  pythonVersion: '3.11',
  pip: ['numpy==2.1.0'],
  variables: { LOG_LEVEL: 'debug' },
};

const custom: Environment = {
  ...python,
  name: 'srv',
  reference: 'srv@1',
  runtime: 'custom',
  pythonVersion: undefined,
  pip: undefined,
  command: ['python3', 'server.py'],
  image: 'example.azurecr.io/server:1',
  port: 9000,
  routes: { liveness: '/v2/health/live', readiness: '/v2/health/ready', scoring: '/v2/models/m/infer' },
  protocol: 'oip',
};

describe('scorerAppSpecOf for user code', () => {
  it('sets the runtime and carries the code, script, packages, variables and environment hash', () => {
    const spec = scorerAppSpecOf(doc, python, 'container');
    expect(spec.runtime).toBe('python');
    expect(spec.settings.SIBYL_SCORER_MODEL).toBe('weights:2');
    expect(userRuntimeOf(spec.settings)).toEqual({
      runtime: 'python',
      code: { name: 'scorer', version: 4 },
      scoringScript: 'src/score.py',
      python: { pythonVersion: '3.11', pip: ['numpy==2.1.0'] },
      environmentHash: environmentHash(python),
      variables: { LOG_LEVEL: 'debug' },
    });
  });

  it('carries a custom server as the environment stores it', () => {
    const spec = scorerAppSpecOf({ ...doc, code: { code: 'server:1' } }, custom, 'container');
    expect(spec.runtime).toBe('custom');
    expect(userRuntimeOf(spec.settings)).toEqual({
      runtime: 'custom',
      code: { name: 'server', version: 1 },
      custom: {
        command: ['python3', 'server.py'],
        image: 'example.azurecr.io/server:1',
        port: 9000,
        routes: { liveness: '/v2/health/live', readiness: '/v2/health/ready', scoring: '/v2/models/m/infer' },
        protocol: 'oip',
      },
      environmentHash: environmentHash(custom),
      variables: { LOG_LEVEL: 'debug' },
    });
  });

  it('rolls out a new revision when the code, the script or the environment software changes', () => {
    const base = scorerAppSpecOf(doc, python, 'container').revision;
    const revisions = [
      scorerAppSpecOf({ ...doc, code: { code: 'scorer:5', scoringScript: 'src/score.py' } }, python, 'container'),
      scorerAppSpecOf({ ...doc, code: { code: 'scorer:4', scoringScript: 'other.py' } }, python, 'container'),
      scorerAppSpecOf(doc, { ...python, pip: ['numpy==2.2.0'] }, 'container'),
      scorerAppSpecOf(doc, { ...python, variables: { LOG_LEVEL: 'info' } }, 'container'),
      scorerAppSpecOf(doc, { ...python, dockerfile: 'FROM python:3.11\n' }, 'container'),
    ].map((s) => s.revision);
    expect(new Set([base, ...revisions]).size).toBe(6);
    // The same software gives the same revision (and the same build key).
    expect(scorerAppSpecOf(doc, { ...python }, 'container').revision).toBe(base);
  });

  it('hashes the software fields only, whatever the order of variables', () => {
    expect(environmentHash({ ...python, variables: { A: '1', B: '2' } })).toBe(
      environmentHash({ ...python, name: 'other', version: 7, variables: { B: '2', A: '1' } } as Environment),
    );
    expect(environmentHash(python)).not.toBe(environmentHash({ ...python, conda: 'name: x\n' }));
  });

  it('leaves an onnx deployment without user runtime settings', () => {
    const spec = scorerAppSpecOf({ ...doc, code: undefined }, { ...python, runtime: undefined, pip: undefined }, 'gpu');
    expect(spec.runtime).toBe('onnx');
    expect(userRuntimeOf(spec.settings)).toBeUndefined();
  });
});
