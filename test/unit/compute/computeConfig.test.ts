/** The settings of the compute client (app) and of a scorer replica, and what each refuses. */
import { armComputeConfig } from '../../../shared/compute/computeSettings';
import { parseConfig } from '../../../shared/config';
import { parseScorerConfig } from '../../../shared/scorerConfig';
import { refusalOf } from '../../support/refusal';
import { COMPUTE_ENV, RESOURCE_GROUP, SUBSCRIPTION } from './azureFixtures';

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
    expect(config.compute).toEqual({
      kind: 'local',
      url: 'http://127.0.0.1:7071',
      key: 'master',
      azure: { problem: expect.stringContaining('Container compute is not configured') as string },
    });
  });
});

describe('ARM compute settings in the app config', () => {
  const azure = (env: NodeJS.ProcessEnv) => parseConfig({ ...storage, SIBYL_COMPUTE: 'azure', ...env }).compute.azure;
  const refusal = (env: NodeJS.ProcessEnv) => refusalOf(() => armComputeConfig(azure(env)));

  it('reads them, with no GPU profiles and no image by default', () => {
    const { SIBYL_COMPUTE_GPU_PROFILES: _g, SIBYL_COMPUTE_IMAGE: _i, ...plain } = COMPUTE_ENV;
    expect(armComputeConfig(azure(plain))).toEqual({
      subscriptionId: SUBSCRIPTION,
      resourceGroup: RESOURCE_GROUP,
      environmentId: COMPUTE_ENV.SIBYL_COMPUTE_ENVIRONMENT_ID,
      location: 'swedencentral',
      gpuProfiles: {},
      identity: { id: COMPUTE_ENV.SIBYL_COMPUTE_IDENTITY_ID, clientId: COMPUTE_ENV.SIBYL_COMPUTE_IDENTITY_CLIENT_ID },
      registryServer: 'crsibyl.azurecr.io',
      image: '',
      scorerKeySecretUrl: COMPUTE_ENV.SIBYL_COMPUTE_SCORER_KEY_SECRET_URL,
      modelsBlobEndpoint: COMPUTE_ENV.AzureWebJobsStorage__blobServiceUri,
    });
    expect(
      armComputeConfig(azure({ ...COMPUTE_ENV, SIBYL_COMPUTE_GPU_PROFILES: ' T4=gpu-t4, A100 = gpu-a100 ' })),
    ).toMatchObject({
      gpuProfiles: { T4: 'gpu-t4', A100: 'gpu-a100' },
      image: 'crsibyl.azurecr.io/sibyl-scorer:1',
    });
  });

  it('keeps the app working without them, and answers 503 naming what is missing or malformed on use', () => {
    expect(refusal({})).toMatchObject({
      status: 503,
      code: 'ServiceUnavailable',
      message:
        'Container compute is not configured: set SIBYL_COMPUTE_ENVIRONMENT_ID, SIBYL_COMPUTE_LOCATION, ' +
        'SIBYL_COMPUTE_IDENTITY_ID, SIBYL_COMPUTE_IDENTITY_CLIENT_ID, SIBYL_COMPUTE_REGISTRY_SERVER, ' +
        'SIBYL_COMPUTE_SCORER_KEY_SECRET_URL, AzureWebJobsStorage__blobServiceUri (infra/main.bicep writes them).',
    });
    expect(refusal({ ...COMPUTE_ENV, SIBYL_COMPUTE_ENVIRONMENT_ID: 'cae-sibyl' })).toMatchObject({
      status: 503,
      message: "SIBYL_COMPUTE_ENVIRONMENT_ID must be a Container Apps environment resource id, got 'cae-sibyl'.",
    });
    expect(refusal({ ...COMPUTE_ENV, SIBYL_COMPUTE_GPU_PROFILES: 'T4=gpu-t4,V100=gpu' })).toMatchObject({
      status: 503,
      message: "SIBYL_COMPUTE_GPU_PROFILES must list GPU=profile pairs such as 'T4=gpu-t4', got 'T4=gpu-t4,V100=gpu'.",
    });
    expect(refusal({ ...COMPUTE_ENV, SIBYL_COMPUTE_GPU_PROFILES: 'T4=' }).message).toContain(
      'SIBYL_COMPUTE_GPU_PROFILES',
    );
  });
});

describe("the app's secret values (taken out of replica logs)", () => {
  it('holds the values of the settings named as secrets, longest first, and nothing else', () => {
    const config = parseConfig({
      ...storage,
      COSMOS_KEY: 'cosmos-key-value',
      SIBYL_SCORER_KEY: 'the-scorer-key-that-must-not-show',
      SIBYL_COMPUTE_LOCATION: 'swedencentral',
      MSI_SECRET: 'managed-identity-secret',
      SIBYL_SHORT_TOKEN: 'short',
    });
    expect(config.secretValues).toEqual([
      'the-scorer-key-that-must-not-show',
      'UseDevelopmentStorage=true',
      'managed-identity-secret',
      'cosmos-key-value',
    ]);
    expect(Object.isFrozen(config.secretValues)).toBe(true);
  });
});
