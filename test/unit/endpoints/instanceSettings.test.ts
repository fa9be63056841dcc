/** Which `instance` settings each kind of compute honours, and the replica defaults. */
import { checkInstanceSettings, replicaSettings } from '../../../shared/endpoints/instanceSettings';
import { refusalOf } from '../../support/refusal';

/** The documented scaling defaults every replica kind shares (README, OpenAPI). */
const scaling = { minInstances: 1, maxInstances: 3, maxConcurrentRequestsPerInstance: 16, scaleInDelaySeconds: 300 };

describe('instance settings', () => {
  it.each([
    [{ minInstances: 1 }],
    [{ maxInstances: 2 }],
    [{ scaleInDelaySeconds: 10 }],
    [{ cpu: 1 }],
    [{ memoryGi: 2 }],
  ])('refuses replica settings %j on a functions deployment, pointing at infra/', (instance) => {
    const error = refusalOf(() => checkInstanceSettings('functions', instance));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/Flex Consumption.*infra\//);
  });

  it('keeps per-instance concurrency on a functions deployment', () => {
    expect(() => checkInstanceSettings('functions', { maxConcurrentRequestsPerInstance: 8 })).not.toThrow();
  });

  it('refuses sizes on gpu deployments and sizes Container Apps does not offer', () => {
    expect(refusalOf(() => checkInstanceSettings('gpu', { cpu: 1 })).message).toMatch(/'container' deployments only/);
    expect(refusalOf(() => checkInstanceSettings('container', { cpu: 1, memoryGi: 4 })).message).toMatch(/twice/);
    expect(refusalOf(() => checkInstanceSettings('container', { minInstances: 3, maxInstances: 2 })).message).toMatch(
      /larger than/,
    );
  });

  it('fills container defaults, memory following cpu and cpu following memory', () => {
    expect(replicaSettings('container', {})).toEqual({ ...scaling, cpu: 1, memoryGi: 2 });
    expect(replicaSettings('container', { cpu: 0.5 })).toMatchObject({ cpu: 0.5, memoryGi: 1 });
    expect(replicaSettings('container', { memoryGi: 8 })).toMatchObject({ cpu: 4, memoryGi: 8 });
    expect(replicaSettings('gpu', { minInstances: 0, maxInstances: 1 })).toEqual({
      ...scaling,
      minInstances: 0,
      maxInstances: 1,
    });
    expect(replicaSettings('container', { maxInstances: 5 })).toMatchObject({ minInstances: 1, maxInstances: 5 });
    expect(replicaSettings('container', { minInstances: 4 })).toMatchObject({ minInstances: 4, maxInstances: 4 });
  });
});
