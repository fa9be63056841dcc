/** The settings of the compute client (app) and of a scorer replica, and what each refuses. */
import { parseConfig } from '../../../shared/config';
import { parseScorerConfig } from '../../../shared/scorerConfig';

const storage = {
  AzureWebJobsStorage: 'UseDevelopmentStorage=true',
  COSMOS_ENDPOINT: 'https://localhost:8081',
  COSMOS_KEY: 'key',
};
const scorer = (env: Record<string, string>) => parseScorerConfig({ ...storage, SIBYL_SCORER_KEY: 'k', ...env });

describe('compute settings', () => {
  it('reads the replica model, threads and graph optimisation', () => {
    const config = scorer({
      SIBYL_SCORER_MODEL: 'iris:3',
      SIBYL_SCORER_INTRA_OP_THREADS: '2',
      SIBYL_SCORER_INTER_OP_THREADS: '1',
      SIBYL_SCORER_GRAPH_OPTIMIZATION: 'basic',
    });
    expect(config).toMatchObject({
      model: { name: 'iris', version: 3 },
      intraOpNumThreads: 2,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'basic',
    });
    expect(scorer({}).model).toBeUndefined();
  });

  it.each([
    [{ SIBYL_SCORER_MODEL: 'iris' }, /SIBYL_SCORER_MODEL must be 'name:version'/],
    [{ SIBYL_SCORER_INTRA_OP_THREADS: 'many' }, /SIBYL_SCORER_INTRA_OP_THREADS must be a positive integer/],
    [{ SIBYL_SCORER_GRAPH_OPTIMIZATION: 'max' }, /SIBYL_SCORER_GRAPH_OPTIMIZATION must be/],
  ])('refuses a replica setting %j', (env, message) => {
    expect(() => scorer(env)).toThrow(message);
  });

  it('refuses an unknown compute, and a local one without its address and key', () => {
    expect(() => parseConfig({ ...storage, SIBYL_COMPUTE: 'k8s' })).toThrow(/SIBYL_COMPUTE must be 'local' or 'azure'/);
    expect(() => parseConfig({ ...storage, SIBYL_COMPUTE: 'local' })).toThrow(
      /needs SIBYL_COMPUTE_URL and SIBYL_COMPUTE_KEY/,
    );
    const config = parseConfig({
      ...storage,
      SIBYL_COMPUTE: 'local',
      SIBYL_COMPUTE_URL: 'http://127.0.0.1:7071/',
      SIBYL_COMPUTE_KEY: 'master',
    });
    expect(config.compute).toEqual({ kind: 'local', url: 'http://127.0.0.1:7071', key: 'master' });
  });
});
