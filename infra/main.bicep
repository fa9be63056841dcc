// Sibyl in Azure: the Function App on Flex Consumption, its storage, Cosmos DB workspace, Key Vault,
// telemetry, the Durable Task Scheduler, the Event Grid topic for blob events, and the Container
// Apps environment (Consumption and serverless GPU profiles) where the app deploys one scorer app
// per `container`/`gpu` deployment at run time (infra/scorerApp.bicep). Every identity is managed;
// no shared key or local auth anywhere. Deploy: README "Deploy to Azure" (or `sibyl azure deploy`).
// Checked by `npm run test:infra`.

metadata description = 'Sibyl: serverless ONNX model serving on Azure Functions, with GPU scoring on Container Apps.'

targetScope = 'resourceGroup'

import { secretNames } from 'modules/keyVault.bicep'

// ── Naming and placement ─────────────────────────────────────────────────────────────────────────

@description('Prefix of every resource name: 2-12 lowercase letters, digits or hyphens, starting with a letter.')
@minLength(2)
@maxLength(12)
param baseName string = 'sibyl'

@description('Region of the Function App, storage, Cosmos DB, Key Vault and telemetry.')
param location string = resourceGroup().location

@description('Region of the Container Apps environment, scorer apps and registry; serverless GPUs exist only in some regions (`az containerapp env workload-profile list-supported -l <region>`).')
param scorerLocation string = location

@description('Tags for every resource.')
param tags { *: string } = {
  app: 'sibyl'
}

// ── Function App (Flex Consumption) ──────────────────────────────────────────────────────────────

@description('Node.js major version of the Function App: 22 (20 left support on 2026-04-30, still allowed).')
param nodeVersion '20' | '22' = '22'

@description('Memory per Function App instance, in MB (512 needs a recent Microsoft.Web API version, as used here).')
param instanceMemoryMB 512 | 2048 | 4096 = 2048

@description('Most Function App instances per function group (HTTP, Durable and blob triggers each scale as a group).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Concurrent HTTP requests per Function App instance before another instance is added.')
@minValue(1)
@maxValue(1000)
param httpPerInstanceConcurrency int = 16

// ── Data ─────────────────────────────────────────────────────────────────────────────────────────

@description('Cosmos DB database name (COSMOS_DATABASE).')
param cosmosDatabaseName string = 'sibyl'

@description('Days deleted blobs and containers stay restorable.')
@minValue(1)
@maxValue(365)
param blobSoftDeleteRetentionDays int = 7

@description('Days a deleted Key Vault or secret stays recoverable (its name stays taken meanwhile).')
@minValue(7)
@maxValue(90)
param keyVaultSoftDeleteRetentionDays int = 7

@description('Key Vault purge protection; irreversible once on. Off by default so a teardown can purge the vault.')
param keyVaultPurgeProtection bool = false

@description('Days Log Analytics keeps logs.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

// ── Secrets: empty keeps what Key Vault already holds (set them on the first deployment) ─────────

@description('SIBYL_TOKEN_SIGNING_KEY: signs endpoint tokens (HS256), at least 32 characters. Empty keeps the stored value.')
@secure()
param tokenSigningKey string = ''

@description('SIBYL_KEY_ENCRYPTION_KEY: seals endpoint keys at rest, at least 32 characters. Changing it makes stored endpoint keys unreadable. Empty keeps the stored value.')
@secure()
param keyEncryptionKey string = ''

@description('SIBYL_FUNCTION_KEY: the control-plane key (x-functions-key), kept in Key Vault and written as the host key `sibyl` when `setHostKey`. Empty keeps the stored value.')
@secure()
param functionKey string = ''

@description('Write the function key from Key Vault as the host key `sibyl`. The host serves the keys API, so leave false until the app\'s code is published.')
param setHostKey bool = false

@description('SIBYL_SCORER_KEY: the key the Function App presents to the scorer apps. Empty keeps the stored value.')
@secure()
param scorerKey string = ''

// ── Scorer apps on Container Apps ────────────────────────────────────────────────────────────────

@description('Serverless GPU profiles the environment offers `compute.gpu` deployments (each needs GPU quota in `scorerLocation`); empty for none.')
@allowed([
  'T4'
  'A100'
])
param gpus string[] = [
  'T4'
]

@description('Scorer image (<registry>.azurecr.io/sibyl-scorer:<tag>) the app deploys scorer apps from. Empty until the first image is built; `container`/`gpu` deployments fail with that reason meanwhile.')
param scorerImage string = ''

// ── Durable Functions backend ────────────────────────────────────────────────────────────────────

@description('Durable Functions backend: `scheduler` (Durable Task Scheduler, Consumption SKU; the default) or `storage` (the Azure Storage provider, for regions without the scheduler).')
param durableBackend 'scheduler' | 'storage' = 'scheduler'

// ── Deployment phase ─────────────────────────────────────────────────────────────────────────────

@description('False deploys identities, data and every role assignment but not the Function App, so roles can propagate before their user starts (first deployment; README "Deploy to Azure").')
param deployApps bool = true

@description('Registry SKU; Premium adds artifact streaming (faster GPU cold starts with large images).')
param registrySku 'Basic' | 'Standard' | 'Premium' = 'Basic'

// ── People ───────────────────────────────────────────────────────────────────────────────────────

@description('Object id of a person or pipeline that may upload blobs (datastores) and manage secrets; empty for none. `az ad signed-in-user show --query id -o tsv`.')
param operatorPrincipalId string = ''

@description('Kind of principal `operatorPrincipalId` is.')
param operatorPrincipalType 'User' | 'Group' | 'ServicePrincipal' = 'User'

// ── Names ────────────────────────────────────────────────────────────────────────────────────────

var suffix = uniqueString(resourceGroup().id, baseName)
var compactName = toLower(replace(baseName, '-', ''))
var names = {
  appIdentity: 'id-${baseName}-app'
  scorerIdentity: 'id-${baseName}-scorer'
  storage: take('st${compactName}${suffix}', 24)
  cosmos: 'cosmos-${baseName}-${suffix}'
  keyVault: take('kv${compactName}${suffix}', 24)
  logAnalytics: 'log-${baseName}'
  appInsights: 'appi-${baseName}'
  plan: 'plan-${baseName}'
  functionApp: 'func-${baseName}-${suffix}'
  eventGridTopic: 'evgt-${baseName}-blobs'
  registry: 'cr${compactName}${suffix}'
  containerEnvironment: 'cae-${baseName}'
  durableTaskScheduler: 'dts-${baseName}-${suffix}'
}

var deploymentContainerName = 'deploymentpackage'
// host.json's durableTask.hubName: the scheduler's task hub has the same name.
var taskHubName = 'SibylHub'
// Serverless GPU profiles by `compute.gpu`: the profile name in the environment and its type.
var gpuProfiles = {
  T4: {
    name: 'gpu-t4'
    workloadProfileType: 'Consumption-GPU-NC8as-T4'
  }
  A100: {
    name: 'gpu-a100'
    workloadProfileType: 'Consumption-GPU-NC24-A100'
  }
}
var useScheduler = durableBackend == 'scheduler'

@description('An app setting that the platform resolves from Key Vault with the app\'s identity.')
func keyVaultReference(vaultName string, secretName string) string =>
  '@Microsoft.KeyVault(VaultName=${vaultName};SecretName=${secretName})'

// ── Identities ───────────────────────────────────────────────────────────────────────────────────

module appIdentity 'modules/identity.bicep' = {
  params: {
    name: names.appIdentity
    location: location
    tags: tags
  }
}

module scorerIdentity 'modules/identity.bicep' = {
  params: {
    name: names.scorerIdentity
    location: scorerLocation
    tags: tags
  }
}

// ── Data and secrets ─────────────────────────────────────────────────────────────────────────────

module storage 'modules/storage.bicep' = {
  params: {
    name: names.storage
    location: location
    tags: tags
    softDeleteRetentionDays: blobSoftDeleteRetentionDays
    deploymentContainerName: deploymentContainerName
    roleAssignments: [
      // Host storage (keys, leases, timer status), deployment package, models, outputs and datastores.
      // On the whole account because datastores name any container, created at run time, that no
      // deployment knows; a container-scoped role cannot follow them (the app refuses datastores on its
      // own containers instead). Contributor, not Owner: Owner adds only POSIX ACL and ownership changes
      // on ADLS Gen2 (and blob tags), which nothing in Sibyl does.
      {
        principalId: appIdentity.outputs.principalId
        role: 'storageBlobDataContributor'
        principalType: 'ServicePrincipal'
      }
      // Durable task hub queues and blob-trigger queues.
      {
        principalId: appIdentity.outputs.principalId
        role: 'storageQueueDataContributor'
        principalType: 'ServicePrincipal'
      }
      // Durable history and instance tables.
      {
        principalId: appIdentity.outputs.principalId
        role: 'storageTableDataContributor'
        principalType: 'ServicePrincipal'
      }
      {
        principalId: operatorPrincipalId
        role: 'storageBlobDataContributor'
        principalType: operatorPrincipalType
      }
    ]
    modelsContainerRoleAssignments: [
      {
        principalId: scorerIdentity.outputs.principalId
        role: 'storageBlobDataReader'
        principalType: 'ServicePrincipal'
      }
    ]
    // User-code replicas (environments issue) download the deployment's code asset.
    codeContainerRoleAssignments: [
      {
        principalId: scorerIdentity.outputs.principalId
        role: 'storageBlobDataReader'
        principalType: 'ServicePrincipal'
      }
    ]
  }
}

module cosmos 'modules/cosmos.bicep' = {
  params: {
    name: names.cosmos
    location: location
    tags: tags
    databaseName: cosmosDatabaseName
    dataContributorPrincipalIds: [
      appIdentity.outputs.principalId
    ]
  }
}

module keyVault 'modules/keyVault.bicep' = {
  params: {
    name: names.keyVault
    location: location
    tags: tags
    softDeleteRetentionDays: keyVaultSoftDeleteRetentionDays
    enablePurgeProtection: keyVaultPurgeProtection
    tokenSigningKey: tokenSigningKey
    keyEncryptionKey: keyEncryptionKey
    functionKey: functionKey
    scorerKey: scorerKey
    roleAssignments: [
      {
        principalId: appIdentity.outputs.principalId
        role: 'keyVaultSecretsUser'
        principalType: 'ServicePrincipal'
      }
      // The scorer apps read the scorer key as a Key Vault secret reference.
      {
        principalId: scorerIdentity.outputs.principalId
        role: 'keyVaultSecretsUser'
        principalType: 'ServicePrincipal'
      }
      {
        principalId: operatorPrincipalId
        role: 'keyVaultSecretsOfficer'
        principalType: operatorPrincipalType
      }
    ]
  }
}

module monitoring 'modules/monitoring.bicep' = {
  params: {
    workspaceName: names.logAnalytics
    appInsightsName: names.appInsights
    location: location
    tags: tags
    retentionInDays: logRetentionDays
    roleAssignments: [
      {
        principalId: appIdentity.outputs.principalId
        role: 'monitoringMetricsPublisher'
        principalType: 'ServicePrincipal'
      }
    ]
  }
}

// ── Scorer ───────────────────────────────────────────────────────────────────────────────────────

module registry 'modules/registry.bicep' = {
  params: {
    name: names.registry
    location: scorerLocation
    tags: tags
    sku: registrySku
    roleAssignments: [
      {
        principalId: scorerIdentity.outputs.principalId
        role: 'acrPull'
        principalType: 'ServicePrincipal'
      }
      // The app checks whether a user-code environment's image is built already (its tag's manifest).
      {
        principalId: appIdentity.outputs.principalId
        role: 'acrPull'
        principalType: 'ServicePrincipal'
      }
    ]
  }
}

module containerEnvironment 'modules/containerEnvironment.bicep' = {
  params: {
    name: names.containerEnvironment
    location: scorerLocation
    tags: tags
    gpuProfiles: [for gpu in gpus: gpuProfiles[gpu]]
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
  }
}

// The app deploys each deployment's scorer app itself; this is all it may do to do so.
module computeRole 'modules/computeRole.bicep' = {
  params: {
    principalId: appIdentity.outputs.principalId
    baseName: baseName
  }
}

// ── Durable Task Scheduler ───────────────────────────────────────────────────────────────────────

module durableTaskScheduler 'modules/durableTaskScheduler.bicep' = if (useScheduler) {
  params: {
    name: names.durableTaskScheduler
    location: location
    tags: tags
    taskHubName: taskHubName
    roleAssignments: [
      {
        principalId: appIdentity.outputs.principalId
        role: 'durableTaskDataContributor'
        principalType: 'ServicePrincipal'
      }
      {
        principalId: operatorPrincipalId
        role: 'durableTaskDataContributor'
        principalType: operatorPrincipalType
      }
    ]
  }
}

// Settings of the Durable backend. host.json names the scheduler (`azureManaged`); the Azure
// Storage provider replaces it through the host's configuration override, so one package runs on both.
var durableSettings = useScheduler
  ? {
      DURABLE_TASK_SCHEDULER_CONNECTION_STRING: 'Endpoint=${durableTaskScheduler.?outputs.endpoint ?? ''};TaskHub=${taskHubName};Authentication=ManagedIdentity;ClientID=${appIdentity.outputs.clientId}'
    }
  : {
      AzureFunctionsJobHost__extensions__durableTask__storageProvider__type: 'AzureStorage'
      AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName: 'AzureWebJobsStorage'
    }

// ── Function App ─────────────────────────────────────────────────────────────────────────────────

module functionApp 'modules/functionApp.bicep' = if (deployApps) {
  params: {
    name: names.functionApp
    planName: names.plan
    location: location
    tags: tags
    identity: {
      id: appIdentity.outputs.id
      clientId: appIdentity.outputs.clientId
    }
    storage: {
      blobEndpoint: storage.outputs.blobEndpoint
      queueEndpoint: storage.outputs.queueEndpoint
      tableEndpoint: storage.outputs.tableEndpoint
    }
    deploymentContainerName: deploymentContainerName
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    nodeVersion: nodeVersion
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    httpPerInstanceConcurrency: httpPerInstanceConcurrency
    // Read by shared/config.ts on first use.
    appSettings: union(durableSettings, {
      COSMOS_ENDPOINT: cosmos.outputs.endpoint
      COSMOS_DATABASE: cosmosDatabaseName
      SIBYL_TOKEN_SIGNING_KEY: keyVaultReference(keyVault.outputs.name, secretNames.tokenSigningKey)
      SIBYL_KEY_ENCRYPTION_KEY: keyVaultReference(keyVault.outputs.name, secretNames.keyEncryptionKey)
      SIBYL_FUNCTION_KEY: keyVaultReference(keyVault.outputs.name, secretNames.functionKey)
      SIBYL_SCORER_KEY: keyVaultReference(keyVault.outputs.name, secretNames.scorerKey)
      // Where and how the app deploys each `container`/`gpu` deployment's scorer app.
      SIBYL_COMPUTE: 'azure'
      SIBYL_COMPUTE_ENVIRONMENT_ID: containerEnvironment.outputs.id
      SIBYL_COMPUTE_LOCATION: scorerLocation
      SIBYL_COMPUTE_GPU_PROFILES: join(map(gpus, gpu => '${gpu}=${gpuProfiles[gpu].name}'), ',')
      SIBYL_COMPUTE_IDENTITY_ID: scorerIdentity.outputs.id
      SIBYL_COMPUTE_IDENTITY_CLIENT_ID: scorerIdentity.outputs.clientId
      SIBYL_COMPUTE_REGISTRY_SERVER: registry.outputs.loginServer
      SIBYL_COMPUTE_IMAGE: scorerImage
      SIBYL_COMPUTE_SCORER_KEY_SECRET_URL: '${keyVault.outputs.uri}secrets/${secretNames.scorerKey}'
    })
  }
}

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' existing = {
  name: names.keyVault
}

// Written through the running host, so only once the code is published (README "Deploy to Azure").
// After functionApp, which itself waits for keyVault (so the secret read here is the one just set).
module hostKey 'modules/hostKey.bicep' = if (deployApps && setHostKey) {
  params: {
    functionAppName: names.functionApp
    keyName: 'sibyl'
    value: vault.getSecret(secretNames.functionKey)
  }
  dependsOn: [
    functionApp
  ]
}

module eventGrid 'modules/eventGrid.bicep' = {
  params: {
    name: names.eventGridTopic
    location: location
    tags: tags
    storageAccountId: storage.outputs.id
  }
}

// ── Outputs ──────────────────────────────────────────────────────────────────────────────────────

@description('Base URL of Sibyl\'s HTTP API (the CLI\'s and dashboard\'s address).')
output apiUrl string = deployApps ? 'https://${functionApp.?outputs.defaultHostName ?? ''}' : ''

@description('Function App name (for `func azure functionapp publish` / `az functionapp deployment`).')
output functionAppName string = names.functionApp

@description('Resource id of the Container Apps environment the scorer apps are deployed to.')
output containerEnvironmentId string = containerEnvironment.outputs.id

@description('Durable Task Scheduler endpoint (its dashboard is at https://dashboard.durabletask.io); empty with the Azure Storage backend.')
output durableTaskSchedulerEndpoint string = durableTaskScheduler.?outputs.endpoint ?? ''

@description('Registry login server to push the scorer image to.')
output registryLoginServer string = registry.outputs.loginServer

@description('Registry name (for `az acr build`).')
output registryName string = registry.outputs.name

@description('Storage account name (datastore uploads: `az storage blob upload --auth-mode login`).')
output storageAccountName string = storage.outputs.name

@description('Cosmos DB endpoint.')
output cosmosEndpoint string = cosmos.outputs.endpoint

@description('Key Vault name (holds the control-plane key `sibyl-function-key`).')
output keyVaultName string = keyVault.outputs.name

@description('Event Grid system topic for the scheduler\'s blob-event subscription (infra/scripts/subscribeBlobEvents.sh).')
output eventGridSystemTopicName string = eventGrid.outputs.name
