/**
 * What a deployment of infra/ creates, evaluated offline by `bicep snapshot`: identity-only access
 * (no shared key, no local auth), every role assignment and no other, the Flex Consumption
 * settings, the Cosmos containers of shared/storage/cosmosContainers.ts, and the scorer apps on
 * their workload profiles.
 */
import { snapshotInfra, type InfraSnapshot } from '../../scripts/bicep/bicepCli.cjs';
import { COSMOS_CONTAINERS } from '../../shared/storage/cosmosContainers';
import { field, list, one, ofType, roleFacts } from './predicted';

const SETUP_TIMEOUT_MS = 10 * 60 * 1000;
const OPERATOR = '11111111-2222-3333-4444-555555555555';
const IMAGE = 'crsibyl.azurecr.io/sibyl-scorer:1.0.0';

let defaults: InfraSnapshot;
let a100: InfraSnapshot;
let noGpu: InfraSnapshot;

beforeAll(async () => {
  defaults = await snapshotInfra();
  // Everything optional turned on: A100, a pushed image, a person with data access, secrets set.
  a100 = await snapshotInfra({
    overrides: { gpuProfileType: "'Consumption-GPU-NC24-A100'" },
    env: {
      SIBYL_SCORER_IMAGE: IMAGE,
      SIBYL_OPERATOR_PRINCIPAL_ID: OPERATOR,
      SIBYL_TOKEN_SIGNING_KEY: 't'.repeat(48),
      SIBYL_KEY_ENCRYPTION_KEY: 'k'.repeat(48),
      SIBYL_FUNCTION_KEY: 'f'.repeat(48),
      SIBYL_SCORER_KEY: 's'.repeat(48),
      SIBYL_SET_HOST_KEY: 'true',
    },
  });
  noGpu = await snapshotInfra({ env: { SIBYL_DEPLOY_GPU: 'false' } });
}, SETUP_TIMEOUT_MS);

const STORAGE = 'Microsoft.Storage/storageAccounts';
const SITE = 'Microsoft.Web/sites';
const APP_SETTINGS = 'Microsoft.Web/sites/config';
const CONTAINER_APP = 'Microsoft.App/containerApps';
const ENVIRONMENT = 'Microsoft.App/managedEnvironments';

function appSettings(snapshot: InfraSnapshot): Record<string, string> {
  return field(one(snapshot, APP_SETTINGS, '/appsettings'), 'properties') as Record<string, string>;
}

describe('infra/ as deployed (bicep snapshot)', () => {
  it('evaluates every module: no nested deployment left unexpanded', () => {
    for (const snapshot of [defaults, a100, noGpu]) {
      expect(snapshot.notes).toEqual([]);
      expect(snapshot.diagnostics).toEqual([]);
    }
  });

  it('turns shared-key and local auth off everywhere', () => {
    const storage = one(defaults, STORAGE);
    expect(field(storage, 'properties.allowSharedKeyAccess')).toBe(false);
    expect(field(storage, 'properties.allowBlobPublicAccess')).toBe(false);
    expect(field(storage, 'properties.defaultToOAuthAuthentication')).toBe(true);
    expect(field(one(defaults, 'Microsoft.DocumentDB/databaseAccounts'), 'properties.disableLocalAuth')).toBe(true);
    expect(field(one(defaults, 'Microsoft.Insights/components'), 'properties.DisableLocalAuth')).toBe(true);
    expect(field(one(defaults, 'Microsoft.OperationalInsights/workspaces'), 'properties.features.disableLocalAuth')).toBe(true);
    expect(field(one(defaults, 'Microsoft.KeyVault/vaults'), 'properties.enableRbacAuthorization')).toBe(true);
    expect(field(one(defaults, 'Microsoft.ContainerRegistry/registries'), 'properties.adminUserEnabled')).toBe(false);
    for (const policy of ofType(defaults, 'Microsoft.Web/sites/basicPublishingCredentialsPolicies')) {
      expect(field(policy, 'properties.allow')).toBe(false);
    }
    // No setting carries a key or connection string.
    const settings = appSettings(defaults);
    expect(settings).not.toHaveProperty('AzureWebJobsStorage');
    expect(settings).not.toHaveProperty('COSMOS_KEY');
    expect(Object.values(settings).filter((v) => /AccountKey=|SharedAccessKey=/i.test(v))).toEqual([]);
  });

  it('keeps blobs restorable and creates the containers Sibyl uses', () => {
    const blobService = one(defaults, 'Microsoft.Storage/storageAccounts/blobServices');
    expect(field(blobService, 'properties.deleteRetentionPolicy')).toEqual({ enabled: true, days: 7 });
    expect(field(blobService, 'properties.containerDeleteRetentionPolicy')).toEqual({ enabled: true, days: 7 });
    const containers = ofType(defaults, 'Microsoft.Storage/storageAccounts/blobServices/containers').map((c) => c.name.split('/').pop());
    expect(containers.sort()).toEqual(['deploymentpackage', 'models', 'outputs', 'workspaceblobstore']);
  });

  it('creates a serverless Cosmos DB database with exactly the containers of shared/storage/cosmosContainers.ts', () => {
    const account = one(defaults, 'Microsoft.DocumentDB/databaseAccounts');
    expect(field(account, 'properties.capabilities')).toEqual([{ name: 'EnableServerless' }]);
    expect(one(defaults, 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases').name).toMatch(/\/sibyl$/);
    const containers = ofType(defaults, 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers').map((c) => ({
      id: field(c, 'properties.resource.id'),
      partitionKey: list(c, 'properties.resource.partitionKey.paths')[0],
      defaultTtl: field(c, 'properties.resource.defaultTtl') ?? undefined,
      throughput: field(c, 'properties.options.throughput'),
    }));
    const expected = Object.values(COSMOS_CONTAINERS).map((c) => ({
      id: c.id,
      partitionKey: c.partitionKey,
      defaultTtl: 'defaultTtl' in c ? c.defaultTtl : undefined,
      throughput: undefined,
    }));
    const byId = (a: { id: unknown }, b: { id: unknown }) => String(a.id).localeCompare(String(b.id));
    expect(containers.sort(byId)).toEqual(expected.sort(byId));
  });

  it('gives the app Cosmos DB Built-in Data Contributor through sqlRoleAssignments', () => {
    const assignment = one(defaults, 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments');
    expect(field(assignment, 'properties.roleDefinitionId')).toMatch(/\/sqlRoleDefinitions\/00000000-0000-0000-0000-000000000002$/);
    expect(field(assignment, 'properties.principalId')).toContain("userAssignedIdentities/id-sibyl-app'");
    expect(field(assignment, 'properties.scope')).toBe(one(defaults, 'Microsoft.DocumentDB/databaseAccounts').id);
  });

  it('assigns every identity role the app and scorer need, and no other', () => {
    const app = (role: string, scope: string) => ({ scope, role, principal: 'id-sibyl-app', principalType: 'ServicePrincipal' });
    const scorer = (role: string, scope: string) => ({ scope, role, principal: 'id-sibyl-scorer', principalType: 'ServicePrincipal' });
    const storage = `storageAccounts/${one(defaults, STORAGE).name}`;
    const vault = `vaults/${one(defaults, 'Microsoft.KeyVault/vaults').name}`;
    const registry = `registries/${one(defaults, 'Microsoft.ContainerRegistry/registries').name}`;
    const expected = [
      app('storageBlobDataOwner', storage),
      app('storageQueueDataContributor', storage),
      app('storageTableDataContributor', storage),
      app('keyVaultSecretsUser', vault),
      app('monitoringMetricsPublisher', 'components/appi-sibyl'),
      scorer('acrPull', registry),
      scorer('storageBlobDataReader', 'containers/models'),
      scorer('keyVaultSecretsUser', vault),
    ];
    const sorted = (facts: object[]) => [...facts].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(roleFacts(defaults)).toEqual(sorted(expected));

    const person = (role: string, scope: string) => ({ scope, role, principal: OPERATOR, principalType: 'User' });
    expect(roleFacts(a100)).toEqual(sorted([...expected, person('storageBlobDataContributor', storage), person('keyVaultSecretsOfficer', vault)]));
  });

  it('runs the Function App on Flex Consumption with identity-based storage', () => {
    const plan = one(defaults, 'Microsoft.Web/serverfarms');
    expect(field(plan, 'sku')).toEqual({ name: 'FC1', tier: 'FlexConsumption' });
    expect(field(plan, 'properties.reserved')).toBe(true);

    const site = one(defaults, SITE);
    expect(site.kind).toBe('functionapp,linux');
    expect(field(site, 'identity.type')).toBe('UserAssigned');
    expect(field(site, 'properties.httpsOnly')).toBe(true);
    expect(field(site, 'properties.keyVaultReferenceIdentity')).toMatch(/userAssignedIdentities\/id-sibyl-app$/);
    expect(field(site, 'properties.functionAppConfig.runtime')).toEqual({ name: 'node', version: '20' });
    expect(field(site, 'properties.functionAppConfig.scaleAndConcurrency')).toEqual({
      instanceMemoryMB: 2048,
      maximumInstanceCount: 100,
      triggers: { http: { perInstanceConcurrency: 16 } },
    });
    const deployment = field(site, 'properties.functionAppConfig.deployment.storage');
    expect(field(deployment, 'type')).toBe('blobContainer');
    expect(field(deployment, 'value')).toMatch(/'deploymentpackage'\)\]$/);
    expect(field(deployment, 'authentication.type')).toBe('UserAssignedIdentity');

    const settings = appSettings(defaults);
    expect(settings.AzureWebJobsStorage__credential).toBe('managedidentity');
    for (const service of ['blob', 'queue', 'table']) {
      expect(settings[`AzureWebJobsStorage__${service}ServiceUri`]).toContain(`primaryEndpoints.${service}`);
    }
    expect(settings.AzureWebJobsStorage__clientId).toContain('id-sibyl-app');
    expect(settings.AZURE_CLIENT_ID).toContain('id-sibyl-app');
    expect(settings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING).toContain('Authorization=AAD');
    // The dashboard serves `/`; the host's default page must not answer it.
    expect(settings.AzureWebJobsDisableHomepage).toBe('true');
    // Flex Consumption takes the runtime from functionAppConfig and rejects these settings.
    expect(settings).not.toHaveProperty('FUNCTIONS_WORKER_RUNTIME');
    expect(settings).not.toHaveProperty('FUNCTIONS_EXTENSION_VERSION');
  });

  it('hands the app Cosmos, Key Vault references and the scorer URLs', () => {
    const settings = appSettings(defaults);
    const vault = one(defaults, 'Microsoft.KeyVault/vaults').name;
    expect(settings.COSMOS_ENDPOINT).toContain('documentEndpoint');
    expect(settings.COSMOS_DATABASE).toBe('sibyl');
    expect(settings.SIBYL_TOKEN_SIGNING_KEY).toBe(`@Microsoft.KeyVault(VaultName=${vault};SecretName=sibyl-token-signing-key)`);
    expect(settings.SIBYL_KEY_ENCRYPTION_KEY).toBe(`@Microsoft.KeyVault(VaultName=${vault};SecretName=sibyl-key-encryption-key)`);
    expect(settings.SIBYL_FUNCTION_KEY).toBe(`@Microsoft.KeyVault(VaultName=${vault};SecretName=sibyl-function-key)`);
    expect(settings.SIBYL_SCORER_KEY).toBe(`@Microsoft.KeyVault(VaultName=${vault};SecretName=sibyl-scorer-key)`);
    expect(settings.SIBYL_SCORER_GPU_URL).toMatch(/containerApps\/sibyl-scorer-gpu'.*ingress\.fqdn/);
    expect(settings.SIBYL_SCORER_CPU_URL).toMatch(/containerApps\/sibyl-scorer-cpu'.*ingress\.fqdn/);
    expect(appSettings(noGpu).SIBYL_SCORER_GPU_URL).toBe('');
  });

  it('writes the Key Vault secrets only from values given, and the host key `sibyl` from Key Vault once asked', () => {
    const secrets = ofType(defaults, 'Microsoft.KeyVault/vaults/secrets');
    expect(secrets.map((s) => s.name.split('/').pop()).sort()).toEqual(['sibyl-function-key', 'sibyl-key-encryption-key', 'sibyl-scorer-key', 'sibyl-token-signing-key']);
    for (const secret of secrets) expect(secret.condition).toMatch(/^\[not\(empty\(parameters\('\w+'\)\)\)\]$/);
    expect(field(one(defaults, 'Microsoft.KeyVault/vaults'), 'properties.enabledForTemplateDeployment')).toBe(true);

    // Not before the code is published: the keys API needs a running host.
    expect(ofType(defaults, 'Microsoft.Web/sites/host/functionKeys')).toEqual([]);
    const hostKey = one(a100, 'Microsoft.Web/sites/host/functionKeys');
    expect(hostKey.name).toBe(`${one(a100, SITE).name}/default/sibyl`);
    expect(field(hostKey, 'properties.name')).toBe('sibyl');
    const vault = one(a100, 'Microsoft.KeyVault/vaults').id;
    expect(field(hostKey, 'properties.value')).toBe(`[getKeyVaultSecret('${vault}', 'sibyl-function-key')]`);
  });

  it('runs the GPU scorer on the serverless T4 profile and the CPU scorer on Consumption, both scaling to zero', () => {
    const environment = one(defaults, ENVIRONMENT);
    const profiles = list(environment, 'properties.workloadProfiles');
    expect(profiles).toEqual([
      { name: 'Consumption', workloadProfileType: 'Consumption' },
      { name: 'gpu', workloadProfileType: 'Consumption-GPU-NC8as-T4' },
    ]);

    const gpu = one(defaults, CONTAINER_APP, 'sibyl-scorer-gpu');
    const gpuProfile = profiles.find((p) => p.name === field(gpu, 'properties.workloadProfileName'));
    expect(gpuProfile?.workloadProfileType).toBe('Consumption-GPU-NC8as-T4');
    expect(field(gpu, 'properties.environmentId')).toBe(environment.id);
    expect(field(gpu, 'properties.template.containers.0.resources')).toEqual({ cpu: 8, memory: '56Gi' });

    const cpu = one(defaults, CONTAINER_APP, 'sibyl-scorer-cpu');
    expect(field(cpu, 'properties.workloadProfileName')).toBe('Consumption');
    expect(field(cpu, 'properties.template.containers.0.resources')).toEqual({ cpu: 2, memory: '4Gi' });

    for (const app of [gpu, cpu]) {
      expect(field(app, 'identity.type')).toBe('UserAssigned');
      expect(Object.keys(field(app, 'identity.userAssignedIdentities') as object)[0]).toMatch(/id-sibyl-scorer$/);
      expect(field(app, 'properties.template.scale.minReplicas')).toBe(0);
      expect(list(app, 'properties.template.scale.rules')[0]).toEqual({ name: 'http-concurrency', http: { metadata: { concurrentRequests: expect.stringMatching(/^\d+$/) } } });
      expect(field(app, 'properties.configuration.registries.0.identity')).toMatch(/id-sibyl-scorer$/);
      expect(field(app, 'properties.configuration.secrets.0')).toEqual({ name: 'scorer-key', keyVaultUrl: expect.stringContaining('sibyl-scorer-key'), identity: expect.stringMatching(/id-sibyl-scorer$/) });
      const env = list(app, 'properties.template.containers.0.env');
      expect(env.find((e) => e.name === 'SIBYL_SCORER_KEY')).toEqual({ name: 'SIBYL_SCORER_KEY', secretRef: 'scorer-key' });
      expect(env.find((e) => e.name === 'AzureWebJobsStorage__blobServiceUri')?.value).toContain('primaryEndpoints.blob');
      expect(env.find((e) => e.name === 'AZURE_CLIENT_ID')?.value).toContain('id-sibyl-scorer');
    }
    const providers = (app: typeof gpu) => list(app, 'properties.template.containers.0.env').find((e) => e.name === 'SIBYL_SCORER_EXECUTION_PROVIDERS')?.value;
    expect([providers(gpu), providers(cpu)]).toEqual(['cuda,cpu', 'cpu']);
    expect(field(gpu, 'properties.template.scale.maxReplicas')).toBe(1);
    expect(field(cpu, 'properties.template.scale.maxReplicas')).toBe(10);
  });

  it('switches the GPU to A100 and the pushed scorer image with its health probes', () => {
    const profiles = list(one(a100, ENVIRONMENT), 'properties.workloadProfiles');
    expect(profiles).toContainEqual({ name: 'gpu', workloadProfileType: 'Consumption-GPU-NC24-A100' });
    const gpu = one(a100, CONTAINER_APP, 'sibyl-scorer-gpu');
    expect(field(gpu, 'properties.template.containers.0.resources')).toEqual({ cpu: 24, memory: '220Gi' });
    expect(field(gpu, 'properties.template.containers.0.image')).toBe(IMAGE);
    expect(field(gpu, 'properties.configuration.ingress.targetPort')).toBe(8080);
    const probes = list(gpu, 'properties.template.containers.0.probes').map((p) => [p.type, field(p, 'httpGet.path')]);
    expect(probes).toEqual([
      ['Startup', '/v2/health/live'],
      ['Liveness', '/v2/health/live'],
      ['Readiness', '/v2/health/ready'],
    ]);
  });

  it('leaves the GPU profile and app out when deployGpuScorer is false', () => {
    expect(list(one(noGpu, ENVIRONMENT), 'properties.workloadProfiles')).toEqual([{ name: 'Consumption', workloadProfileType: 'Consumption' }]);
    expect(ofType(noGpu, CONTAINER_APP).map((a) => a.name)).toEqual(['sibyl-scorer-cpu']);
  });

  it('creates the Event Grid system topic on the storage account for the blob trigger', () => {
    const topic = one(defaults, 'Microsoft.EventGrid/systemTopics');
    expect(field(topic, 'properties')).toEqual({ source: one(defaults, STORAGE).id, topicType: 'Microsoft.Storage.StorageAccounts' });
    expect(topic.location).toBe(one(defaults, STORAGE).location);
  });
});
