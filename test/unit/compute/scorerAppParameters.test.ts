/**
 * The mapping from a deployment's ScorerAppSpec to infra/scorerApp.bicep's parameters (what the ARM
 * transport deploys). test/infra/scorerAppModule.test.ts type-checks the same output with Bicep.
 */
import {
  armDeploymentName,
  scorerAppName,
  scorerAppParameters,
} from '../../../shared/compute/azure/scorerAppParameters';
import { refusalOf } from '../../support/refusal';
import { COMPUTE_ENV, containerSpec, readArmComputeConfig } from './azureFixtures';

const config = readArmComputeConfig(COMPUTE_ENV);

function rejection(run: () => unknown): { code: string; message: string } {
  const { code, message } = refusalOf(run);
  return { code, message };
}

describe('scorer app parameters', () => {
  it('maps replicas, the HTTP rule, the cooldown, size, profile, image, identity and settings', () => {
    const params = scorerAppParameters(containerSpec(), config);
    expect(params).toEqual({
      name: scorerAppName('fraud-detector', 'blue'),
      location: 'swedencentral',
      tags: { 'sibyl-endpoint': 'fraud-detector', 'sibyl-deployment': 'blue', 'sibyl-revision': 'r-7f3a' },
      environmentId: COMPUTE_ENV.SIBYL_COMPUTE_ENVIRONMENT_ID,
      workloadProfileName: 'Consumption',
      identity: { id: COMPUTE_ENV.SIBYL_COMPUTE_IDENTITY_ID, clientId: COMPUTE_ENV.SIBYL_COMPUTE_IDENTITY_CLIENT_ID },
      registryServer: 'crsibyl.azurecr.io',
      image: 'crsibyl.azurecr.io/sibyl-scorer:1',
      targetPort: 8080,
      cpu: '2.0',
      memory: '4Gi',
      scale: { minReplicas: 1, maxReplicas: 3, concurrentRequests: 2, cooldownPeriod: 300 },
      settings: {
        SIBYL_MODEL: 'fraud:3',
        SIBYL_MAX_BATCH_SIZE: '64',
        SIBYL_INTRA_OP_THREADS: '2',
        AzureWebJobsStorage__blobServiceUri: 'https://stsibyl.blob.core.windows.net/',
        SIBYL_SCORER_EXECUTION_PROVIDERS: 'cpu',
        SIBYL_COMPUTE_KIND: 'container',
        SIBYL_SCORER_DEPLOYMENT: 'fraud-detector/blue',
        SIBYL_DEPLOYMENT_REVISION: 'r-7f3a',
      },
      scorerKeySecretUrl: COMPUTE_ENV.SIBYL_COMPUTE_SCORER_KEY_SECRET_URL,
    });
  });

  it("puts a gpu deployment on the profile compute.gpu names, at the whole profile's size, with CUDA first", () => {
    const params = scorerAppParameters(
      containerSpec({ kind: 'gpu', gpu: 'T4', cpu: undefined, memoryGi: undefined, minReplicas: 0 }),
      config,
    );
    expect(params.workloadProfileName).toBe('gpu-t4');
    expect({ cpu: params.cpu, memory: params.memory }).toEqual({ cpu: '8.0', memory: '56Gi' });
    expect(params.settings.SIBYL_SCORER_EXECUTION_PROVIDERS).toBe('cuda,cpu');
    expect(params.settings.SIBYL_COMPUTE_KIND).toBe('gpu');
    expect(params.scale.minReplicas).toBe(0);

    const a100 = readArmComputeConfig({ ...COMPUTE_ENV, SIBYL_COMPUTE_GPU_PROFILES: 'T4=gpu-t4,A100=gpu-a100' });
    const big = scorerAppParameters(
      containerSpec({ kind: 'gpu', gpu: 'A100', cpu: undefined, memoryGi: undefined }),
      a100,
    );
    expect([big.workloadProfileName, big.cpu, big.memory]).toEqual(['gpu-a100', '24.0', '220Gi']);
  });

  it('sizes a container replica from cpu alone, memory alone, or the 1 vCPU default, at 2 GiB per vCPU', () => {
    const size = (cpu?: number, memoryGi?: number) => {
      const p = scorerAppParameters(containerSpec({ cpu, memoryGi }), config);
      return [p.cpu, p.memory];
    };
    expect(size(0.25, undefined)).toEqual(['0.25', '0.5Gi']);
    expect(size(0.5, 1)).toEqual(['0.5', '1Gi']);
    expect(size(1.75, undefined)).toEqual(['1.75', '3.5Gi']);
    expect(size(undefined, 8)).toEqual(['4.0', '8Gi']);
    expect(size(undefined, undefined)).toEqual(['1.0', '2Gi']);
  });

  it('answers 400 for sizes and replica counts Container Apps refuses', () => {
    const bad = (overrides: Parameters<typeof containerSpec>[0]) =>
      rejection(() => scorerAppParameters(containerSpec(overrides), config));
    expect(bad({ cpu: 3, memoryGi: 4 })).toEqual({
      code: 'InvalidInput',
      message: expect.stringContaining('twice instance.cpu'),
    });
    expect(bad({ cpu: 0.3, memoryGi: undefined })).toEqual({
      code: 'InvalidInput',
      message: expect.stringContaining('steps of 0.25'),
    });
    expect(bad({ cpu: 8, memoryGi: undefined })).toEqual({
      code: 'InvalidInput',
      message: expect.stringContaining('0.25 to 4'),
    });
    expect(bad({ minReplicas: 4, maxReplicas: 2 })).toEqual({
      code: 'InvalidInput',
      message: expect.stringContaining('at least instance.minInstances'),
    });
    expect(bad({ maxReplicas: 1001 })).toEqual({
      code: 'InvalidInput',
      message: expect.stringContaining('instance.maxInstances'),
    });
    expect(bad({ minReplicas: -1 })).toEqual({
      code: 'InvalidInput',
      message: expect.stringContaining('instance.minInstances'),
    });
    expect(bad({ concurrentRequests: 0 })).toEqual({
      code: 'InvalidInput',
      message: expect.stringContaining('maxConcurrentRequestsPerInstance'),
    });
    expect(bad({ scaleInDelaySeconds: 1.5 })).toEqual({
      code: 'InvalidInput',
      message: expect.stringContaining('scaleInDelaySeconds'),
    });
    expect(bad({ kind: 'gpu', gpu: 'T4', cpu: 2, memoryGi: undefined })).toEqual({
      code: 'InvalidInput',
      message: expect.stringContaining('whole profile'),
    });
    expect(bad({ kind: 'gpu', gpu: 'A100', cpu: undefined, memoryGi: undefined })).toEqual({
      code: 'InvalidInput',
      message:
        "compute.gpu 'A100' is not offered here (offered: T4); add it to infra/main.bicep's `gpus` and redeploy.",
    });
    expect(bad({ settings: { PORT: '1', SIBYL_SCORER_KEY: 'x' } })).toEqual({
      code: 'InvalidInput',
      message: expect.stringContaining('PORT, SIBYL_SCORER_KEY'),
    });
  });

  it('answers 503 naming the setting while no scorer image was built', () => {
    const noImage = readArmComputeConfig({ ...COMPUTE_ENV, SIBYL_COMPUTE_IMAGE: '' });
    expect(rejection(() => scorerAppParameters(containerSpec(), noImage))).toEqual({
      code: 'ServiceUnavailable',
      message: expect.stringContaining('SIBYL_COMPUTE_IMAGE'),
    });
  });

  it("names each app uniquely within Container Apps' rules, readable from its endpoint and deployment", () => {
    const rule = /^[a-z](?!.*--)[a-z0-9-]{0,30}[a-z0-9]$/;
    const names = [
      scorerAppName('fraud-detector', 'blue'),
      scorerAppName('Fraud_Detector', 'blue'),
      scorerAppName('a-very-long-endpoint-name-that-goes-on-and-on', 'deployment-with-a-long-name'),
      scorerAppName('a-very-long-endpoint-name-that-goes-on-and-on', 'deployment-with-a-long-name-2'),
      scorerAppName('--', '__'),
    ];
    for (const name of names) expect({ name, valid: rule.test(name) }).toEqual({ name, valid: true });
    expect(new Set(names).size).toBe(names.length);
    expect(names[0]).toMatch(/^sc-fraud-detector-blue-[0-9a-f]{8}$/);
    expect(armDeploymentName('a-very-long-endpoint-name-that-goes-on-and-on', 'x').length).toBeLessThanOrEqual(64);
  });
});

describe('ARM compute settings', () => {
  it('derives the subscription and resource group from the environment id', () => {
    expect(config).toMatchObject({
      subscriptionId: '00000000-0000-0000-0000-00000000000b',
      resourceGroup: 'rg-sibyl',
      gpuProfiles: { T4: 'gpu-t4' },
    });
  });

  it('answers 503 naming every missing or malformed setting, and only when asked', () => {
    const { SIBYL_COMPUTE_LOCATION: _l, SIBYL_COMPUTE_REGISTRY_SERVER: _r, ...partial } = COMPUTE_ENV;
    expect(rejection(() => readArmComputeConfig(partial))).toEqual({
      code: 'ServiceUnavailable',
      message:
        'Container compute is not configured: set SIBYL_COMPUTE_LOCATION, SIBYL_COMPUTE_REGISTRY_SERVER (infra/main.bicep writes them).',
    });
    expect(
      rejection(() => readArmComputeConfig({ ...COMPUTE_ENV, SIBYL_COMPUTE_ENVIRONMENT_ID: 'cae-sibyl' })).message,
    ).toContain('resource id');
    expect(
      rejection(() => readArmComputeConfig({ ...COMPUTE_ENV, SIBYL_COMPUTE_GPU_PROFILES: 'V100=gpu' })).message,
    ).toContain('GPU=profile');
  });
});
