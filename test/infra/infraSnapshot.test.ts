/**
 * What a deployment of infra/ creates, evaluated offline by `bicep snapshot`: identity-only access
 * (no shared key, no local auth), every role assignment and no other, the Flex Consumption
 * settings, the Cosmos containers of shared/storage/cosmosContainers.ts, and the scorer apps on
 * their workload profiles.
 */
import { snapshotInfra, type InfraSnapshot } from '../../scripts/bicep/bicepCli.cjs';
import { COSMOS_CONTAINERS } from '../../shared/storage/cosmosContainers';
import fs from 'node:fs';
import path from 'node:path';
import { SNAPSHOT_SCOPE } from '../../scripts/bicep/bicepCli.cjs';
import { field, list, one, ofType, roleFacts, ROLE_IDS } from './predicted';

/** The custom role in infra/modules/computeRole.bicep, as roleFacts names it (its id is a guid() expression). */
const COMPUTE_ROLE = 'sibyl-scorer-app-deployer';

const SETUP_TIMEOUT_MS = 10 * 60 * 1000;
const OPERATOR = '11111111-2222-3333-4444-555555555555';
const IMAGE = 'crsibyl.azurecr.io/sibyl-scorer:1.0.0';

let defaults: InfraSnapshot;
let a100: InfraSnapshot;
let noGpu: InfraSnapshot;
let firstPhase: InfraSnapshot;
let storageBackend: InfraSnapshot;

beforeAll(async () => {
  defaults = await snapshotInfra();
  // Everything optional turned on: A100, a pushed image, a person with data access, secrets set.
  a100 = await snapshotInfra({
    env: {
      SIBYL_GPUS: 'T4,A100',
      SIBYL_SCORER_IMAGE: IMAGE,
      SIBYL_OPERATOR_PRINCIPAL_ID: OPERATOR,
      SIBYL_TOKEN_SIGNING_KEY: 't'.repeat(48),
      SIBYL_KEY_ENCRYPTION_KEY: 'k'.repeat(48),
      SIBYL_FUNCTION_KEY: 'f'.repeat(48),
      SIBYL_SCORER_KEY: 's'.repeat(48),
      SIBYL_SET_HOST_KEY: 'true',
    },
  });
  noGpu = await snapshotInfra({ env: { SIBYL_GPUS: '' } });
  firstPhase = await snapshotInfra({ env: { SIBYL_DEPLOY_APPS: 'false', SIBYL_SET_HOST_KEY: 'true' } });
  storageBackend = await snapshotInfra({ env: { SIBYL_DURABLE_BACKEND: 'storage' } });
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
    for (const snapshot of [defaults, a100, noGpu, firstPhase, storageBackend]) {
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
    expect(
      field(one(defaults, 'Microsoft.OperationalInsights/workspaces'), 'properties.features.disableLocalAuth'),
    ).toBe(true);
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
    const containers = ofType(defaults, 'Microsoft.Storage/storageAccounts/blobServices/containers').map((c) =>
      c.name.split('/').pop(),
    );
    expect(containers.sort()).toEqual(['code', 'deploymentpackage', 'models', 'outputs', 'workspaceblobstore']);
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
    expect(field(assignment, 'properties.roleDefinitionId')).toMatch(
      /\/sqlRoleDefinitions\/00000000-0000-0000-0000-000000000002$/,
    );
    expect(field(assignment, 'properties.principalId')).toContain("userAssignedIdentities/id-sibyl-app'");
    expect(field(assignment, 'properties.scope')).toBe(one(defaults, 'Microsoft.DocumentDB/databaseAccounts').id);
  });

  it('assigns every identity role the app and scorer need, and no other', () => {
    const app = (role: string, scope: string) => ({
      scope,
      role,
      principal: 'id-sibyl-app',
      principalType: 'ServicePrincipal',
    });
    const scorer = (role: string, scope: string) => ({
      scope,
      role,
      principal: 'id-sibyl-scorer',
      principalType: 'ServicePrincipal',
    });
    const storage = `storageAccounts/${one(defaults, STORAGE).name}`;
    const vault = `vaults/${one(defaults, 'Microsoft.KeyVault/vaults').name}`;
    const registry = `registries/${one(defaults, 'Microsoft.ContainerRegistry/registries').name}`;
    const expected = [
      app('storageBlobDataContributor', storage),
      app('storageQueueDataContributor', storage),
      app('storageTableDataContributor', storage),
      app('keyVaultSecretsUser', vault),
      app('monitoringMetricsPublisher', 'components/appi-sibyl'),
      app('durableTaskDataContributor', `schedulers/${one(defaults, 'Microsoft.DurableTask/schedulers').name}`),
      app(COMPUTE_ROLE, `resourceGroups/${SNAPSHOT_SCOPE.resourceGroup}`),
      app('acrPull', registry),
      scorer('acrPull', registry),
      scorer('storageBlobDataReader', 'containers/models'),
      scorer('storageBlobDataReader', 'containers/code'),
      scorer('keyVaultSecretsUser', vault),
    ];
    const sorted = (facts: object[]) => [...facts].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(roleFacts(defaults)).toEqual(sorted(expected));

    const person = (role: string, scope: string) => ({ scope, role, principal: OPERATOR, principalType: 'User' });
    const scheduler = `schedulers/${one(defaults, 'Microsoft.DurableTask/schedulers').name}`;
    expect(roleFacts(a100)).toEqual(
      sorted([
        ...expected,
        person('storageBlobDataContributor', storage),
        person('keyVaultSecretsOfficer', vault),
        person('durableTaskDataContributor', scheduler),
      ]),
    );
  });

  it('lets the app deploy scorer apps through a custom role that allows only that, never Owner or Contributor', () => {
    const role = one(defaults, 'Microsoft.Authorization/roleDefinitions');
    expect(field(role, 'properties.type')).toBe('CustomRole');
    expect(field(role, 'properties.assignableScopes')).toEqual([
      `/subscriptions/${SNAPSHOT_SCOPE.subscriptionId}/resourceGroups/${SNAPSHOT_SCOPE.resourceGroup}`,
    ]);
    const actions = list(role, 'properties.permissions')[0]?.actions as string[];
    // Nothing but deployments, container apps (and their revisions, replicas, operations, log stream
    // token), joining the environment, assigning the scorer identity and ACR Tasks builds: no
    // wildcard, no other resource type, nothing that deletes or reconfigures the registry.
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    const allowed = [
      /^Microsoft\.Resources\/(deployments\/|subscriptions\/resourceGroups\/read$)/,
      /^Microsoft\.App\/(containerApps\/|locations\/containerapp|managedEnvironments\/(read|join\/action)$)/,
      /^Microsoft\.ManagedIdentity\/userAssignedIdentities\/(read|assign\/action)$/,
      /^Microsoft\.ContainerRegistry\/registries\/(read|listBuildSourceUploadUrl\/action|scheduleRun\/action|runs\/read)$/,
    ];
    expect(actions.filter((a) => !allowed.some((pattern) => pattern.test(a)))).toEqual([]);
    expect(actions).toEqual(
      expect.arrayContaining([
        'Microsoft.Resources/deployments/write',
        'Microsoft.App/containerApps/write',
        'Microsoft.App/containerApps/revisions/replicas/read',
        'Microsoft.App/managedEnvironments/join/action',
        'Microsoft.App/containerApps/getAuthToken/action',
        'Microsoft.ContainerRegistry/registries/scheduleRun/action',
        'Microsoft.ContainerRegistry/registries/runs/read',
      ]),
    );
    const builtIns = Object.keys(ROLE_IDS);
    expect(roleFacts(defaults).filter((f) => f.principal === 'id-sibyl-app' && !builtIns.includes(f.role))).toEqual([
      {
        scope: `resourceGroups/${SNAPSHOT_SCOPE.resourceGroup}`,
        role: COMPUTE_ROLE,
        principal: 'id-sibyl-app',
        principalType: 'ServicePrincipal',
      },
    ]);
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
    expect(field(site, 'properties.functionAppConfig.runtime')).toEqual({ name: 'node', version: '22' });
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

  it('hands the app Cosmos, Key Vault references and where to deploy scorer apps', () => {
    const settings = appSettings(defaults);
    const vault = one(defaults, 'Microsoft.KeyVault/vaults').name;
    expect(settings.COSMOS_ENDPOINT).toContain('documentEndpoint');
    expect(settings.COSMOS_DATABASE).toBe('sibyl');
    expect(settings.SIBYL_TOKEN_SIGNING_KEY).toBe(
      `@Microsoft.KeyVault(VaultName=${vault};SecretName=sibyl-token-signing-key)`,
    );
    expect(settings.SIBYL_KEY_ENCRYPTION_KEY).toBe(
      `@Microsoft.KeyVault(VaultName=${vault};SecretName=sibyl-key-encryption-key)`,
    );
    expect(settings.SIBYL_FUNCTION_KEY).toBe(`@Microsoft.KeyVault(VaultName=${vault};SecretName=sibyl-function-key)`);
    expect(settings.SIBYL_SCORER_KEY).toBe(`@Microsoft.KeyVault(VaultName=${vault};SecretName=sibyl-scorer-key)`);
    expect(settings.SIBYL_COMPUTE_ENVIRONMENT_ID).toBe(one(defaults, ENVIRONMENT).id);
    expect(settings.SIBYL_COMPUTE_LOCATION).toBe(SNAPSHOT_SCOPE.location);
    expect(settings.SIBYL_COMPUTE_IDENTITY_ID).toMatch(/id-sibyl-scorer$/);
    expect(settings.SIBYL_COMPUTE_IDENTITY_CLIENT_ID).toContain('id-sibyl-scorer');
    expect(settings.SIBYL_COMPUTE_REGISTRY_SERVER).toContain('loginServer');
    expect(settings.SIBYL_COMPUTE_SCORER_KEY_SECRET_URL).toMatch(
      /^\[format\('\{0\}secrets\/\{1\}', reference\('[^']+vaults\/kv[^']+'.*\)\.vaultUri, 'sibyl-scorer-key'\)\]$/,
    );
    expect(settings.SIBYL_COMPUTE_IMAGE).toBe('');
    expect(appSettings(a100).SIBYL_COMPUTE_IMAGE).toBe(IMAGE);
    expect([
      settings.SIBYL_COMPUTE_GPU_PROFILES,
      appSettings(a100).SIBYL_COMPUTE_GPU_PROFILES,
      appSettings(noGpu).SIBYL_COMPUTE_GPU_PROFILES,
    ]).toEqual(['T4=gpu-t4', 'T4=gpu-t4,A100=gpu-a100', '']);
    // The shared scorer apps are gone: every deployment gets its own (infra/scorerApp.bicep).
    expect(Object.keys(settings).filter((k) => k.startsWith('SIBYL_SCORER_') && k !== 'SIBYL_SCORER_KEY')).toEqual([]);
  });

  it('writes the Key Vault secrets only from values given, and the host key `sibyl` from Key Vault once asked', () => {
    const secrets = ofType(defaults, 'Microsoft.KeyVault/vaults/secrets');
    expect(secrets.map((s) => s.name.split('/').pop()).sort()).toEqual([
      'sibyl-function-key',
      'sibyl-key-encryption-key',
      'sibyl-scorer-key',
      'sibyl-token-signing-key',
    ]);
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

  it('offers the serverless GPU profiles asked for, next to Consumption, and deploys no container app itself', () => {
    const profiles = (snapshot: InfraSnapshot) => list(one(snapshot, ENVIRONMENT), 'properties.workloadProfiles');
    const consumption = { name: 'Consumption', workloadProfileType: 'Consumption' };
    expect(profiles(defaults)).toEqual([
      consumption,
      { name: 'gpu-t4', workloadProfileType: 'Consumption-GPU-NC8as-T4' },
    ]);
    expect(profiles(a100)).toEqual([
      consumption,
      { name: 'gpu-t4', workloadProfileType: 'Consumption-GPU-NC8as-T4' },
      { name: 'gpu-a100', workloadProfileType: 'Consumption-GPU-NC24-A100' },
    ]);
    expect(profiles(noGpu)).toEqual([consumption]);
    for (const snapshot of [defaults, a100, noGpu]) expect(ofType(snapshot, CONTAINER_APP)).toEqual([]);
  });

  it('runs Durable Functions on the Durable Task Scheduler (Consumption) with the identity, or on Azure Storage when asked', () => {
    const scheduler = one(defaults, 'Microsoft.DurableTask/schedulers');
    expect(field(scheduler, 'properties.sku.name')).toBe('Consumption');
    expect(list(scheduler, 'properties.ipAllowlist').length).toBeGreaterThan(0);
    expect(one(defaults, 'Microsoft.DurableTask/schedulers/taskHubs').name).toBe(`${scheduler.name}/SibylHub`);
    const connection = appSettings(defaults).DURABLE_TASK_SCHEDULER_CONNECTION_STRING;
    expect(connection).toContain("'Endpoint={0};TaskHub={1};Authentication=ManagedIdentity;ClientID={2}'");
    expect(connection).toMatch(
      /schedulers\/dts-sibyl-[^']+', '[^']+'\)\.endpoint, ''\), 'SibylHub', reference\('[^']+userAssignedIdentities\/id-sibyl-app'/,
    );

    // host.json names the scheduler; the Azure Storage backend overrides it through app settings.
    const hostJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'host.json'), 'utf8'));
    expect(hostJson.extensions.durableTask.hubName).toBe('SibylHub');
    expect(hostJson.extensions.durableTask.storageProvider).toEqual({
      type: 'azureManaged',
      connectionStringName: 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING',
    });
    expect(ofType(storageBackend, 'Microsoft.DurableTask/schedulers')).toEqual([]);
    const storageSettings = appSettings(storageBackend);
    expect(storageSettings).not.toHaveProperty('DURABLE_TASK_SCHEDULER_CONNECTION_STRING');
    expect(storageSettings.AzureFunctionsJobHost__extensions__durableTask__storageProvider__type).toBe('AzureStorage');
  });

  it('can deploy identities, data and every role assignment before the apps that use them (first phase)', () => {
    expect(ofType(firstPhase, SITE)).toEqual([]);
    expect(ofType(firstPhase, 'Microsoft.Web/sites/host/functionKeys')).toEqual([]);
    expect(roleFacts(firstPhase)).toEqual(roleFacts(defaults));
    expect(
      ofType(firstPhase, 'Microsoft.ManagedIdentity/userAssignedIdentities')
        .map((i) => i.name)
        .sort(),
    ).toEqual(['id-sibyl-app', 'id-sibyl-scorer']);
  });

  it('creates the Event Grid system topic on the storage account for the blob events', () => {
    const topic = one(defaults, 'Microsoft.EventGrid/systemTopics');
    expect(field(topic, 'properties')).toEqual({
      source: one(defaults, STORAGE).id,
      topicType: 'Microsoft.Storage.StorageAccounts',
    });
    expect(topic.location).toBe(one(defaults, STORAGE).location);
  });
});
