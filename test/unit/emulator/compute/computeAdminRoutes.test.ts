/** What the local compute provider's admin API refuses (400) before it starts anything. */
import { specProblem } from '../../../../emulator/compute/computeAdminRoutes';
import type { ScorerAppSpec } from '../../../../shared/compute/computeTypes';

const good: ScorerAppSpec = {
  endpoint: 'e',
  deployment: 'd',
  kind: 'container',
  minReplicas: 1,
  maxReplicas: 3,
  concurrentRequests: 2,
  scaleInDelaySeconds: 300,
  cpu: 1,
  memoryGi: 2,
  runtime: 'onnx',
  settings: { SIBYL_SCORER_MODEL: 'm:1' },
  revision: 'abc',
};

describe('compute admin spec checks', () => {
  it('accepts a complete spec', () => {
    expect(specProblem(good)).toBeUndefined();
  });

  it.each([
    ['no deployment', { deployment: '' }, /endpoint and deployment/],
    ['an unknown kind', { kind: 'vm' }, /kind/],
    ['min above max', { minReplicas: 4 }, /min ≤ max/],
    ['a fractional replica count', { maxReplicas: 1.5 }, /whole numbers/],
    ['no concurrency target', { concurrentRequests: 0 }, /concurrentRequests/],
    ['a negative delay', { scaleInDelaySeconds: -1 }, /scaleInDelaySeconds/],
    ['no revision', { revision: '' }, /revision/],
    ['non-string settings', { settings: { A: 1 } }, /settings/],
  ])('refuses %s', (_what, change, message) => {
    expect(specProblem({ ...good, ...(change as Partial<ScorerAppSpec>) })).toMatch(message);
  });
});
