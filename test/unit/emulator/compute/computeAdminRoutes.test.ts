/** What the local compute provider's admin API refuses (400) before it starts anything. */
import { computeAdminRoute, specProblem } from '../../../../emulator/compute/computeAdminRoutes';
import type { LocalCompute } from '../../../../emulator/compute/localCompute';
import type { ReplicaLogLine, ScorerAppSpec } from '../../../../shared/compute/computeTypes';

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

describe('compute admin logs route', () => {
  const line: ReplicaLogLine = { replica: 'd-abc-1', stream: 'stdout', time: '2026-12-04T10:00:00.000Z', text: 'hi' };
  const asked: number[] = [];
  const compute = {
    logs: (endpoint: string, deployment: string, lines: number) => {
      asked.push(lines);
      return endpoint === 'e' && deployment === 'd' ? [line] : undefined;
    },
  } as unknown as LocalCompute;
  const get = (path: string, query = '') =>
    computeAdminRoute(compute, {
      method: 'GET',
      path,
      query: new URLSearchParams(query),
      body: Buffer.alloc(0),
      origin: 'http://127.0.0.1',
      headers: {},
    });

  it('answers the lines, 100 by default', async () => {
    expect(await get('compute/apps/e/d/logs')).toMatchObject({ status: 200, body: { lines: [line] } });
    expect(await get('compute/apps/e/d/logs', 'lines=7')).toMatchObject({ status: 200 });
    expect(asked).toEqual([100, 7]);
  });

  it.each(['0', '5001', 'x', '2.5'])('refuses lines=%s with 400', async (lines) => {
    expect(await get('compute/apps/e/d/logs', `lines=${lines}`)).toMatchObject({ status: 400 });
  });

  it('answers 404 for an app it does not have', async () => {
    expect(await get('compute/apps/e/other/logs')).toMatchObject({ status: 404 });
  });
});
