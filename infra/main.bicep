// Sibyl in Azure: the Function App on Flex Consumption, its storage, Cosmos DB workspace, Key Vault,
// telemetry, the Event Grid topic for blob triggers, and the scorer on Container Apps (serverless
// GPU and Consumption CPU). Every identity is managed; no shared key or local auth anywhere.
// Deploy: see README "Deploy to Azure". Checked by `npm run test:infra`.

metadata description = 'Sibyl: serverless ONNX model serving on Azure Functions, with GPU scoring on Container Apps.'

targetScope = 'resourceGroup'

import { secretNames } from 'modules/keyVault.bicep'
import { scaleType } from 'modules/scorerApp.bicep'

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

@description('Node.js major version of the Function App.')
param nodeVersion '20' | '22' = '20'

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

// ── Scorer on Container Apps ─────────────────────────────────────────────────────────────────────

@description('Whether to add the serverless GPU profile and the GPU scorer app (needs GPU quota in `scorerLocation`).')
param deployGpuScorer bool = true

@description('Serverless GPU workload profile of the GPU scorer.')
param gpuProfileType 'Consumption-GPU-NC8as-T4' | 'Consumption-GPU-NC24-A100' = 'Consumption-GPU-NC8as-T4'

@description('Scorer image (<registry>.azurecr.io/sibyl-scorer:<tag>). Empty deploys a public placeholder until the first image is pushed.')
param scorerImage string = ''

@description('Port the scorer listens on (its PORT setting).')
@minValue(1)
@maxValue(65535)
param scorerPort int = 8080

@description('Scale of the GPU scorer app (`compute.kind: "gpu"`).')
param gpuScorerScale scaleType = {
  minReplicas: 0
  maxReplicas: 1
  concurrentRequests: 16
}

@description('Scale of the CPU (Consumption) scorer app (`compute.kind: "container"`).')
param cpuScorerScale scaleType = {
  minReplicas: 0
  maxReplicas: 10
  concurrentRequests: 10
}

@description('CPU cores per CPU scorer replica (memory is twice that in GiB).')
param cpuScorerCores '0.5' | '1.0' | '2.0' | '4.0' = '2.0'

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
  gpuScorer: '${baseName}-scorer-gpu'
  cpuScorer: '${baseName}-scorer-cpu'
}

var deploymentContainerName = 'deploymentpackage'
var gpuProfileName = 'gpu'
// A serverless GPU replica gets the whole profile: 8 vCPU / 56 GiB (T4), 24 vCPU / 220 GiB (A100).
var gpuReplicaSizes = {
  'Consumption-GPU-NC8as-T4': {
    cpu: '8.0'
    memory: '56Gi'
  }
  'Consumption-GPU-NC24-A100': {
    cpu: '24.0'
    memory: '220Gi'
  }
}
// Consumption replicas take memory at 2 GiB per core.
var cpuScorerMemory = {
  '0.5': '1Gi'
  '1.0': '2Gi'
  '2.0': '4Gi'
  '4.0': '8Gi'
}[cpuScorerCores]
// Before the first push the apps run a public hello-world image listening on port 80.
var isScorerImage = !empty(scorerImage)
var image = isScorerImage ? scorerImage : 'mcr.microsoft.com/k8se/quickstart:latest'
var imagePort = isScorerImage ? scorerPort : 80

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
      // Host storage (keys, leases, blob trigger), deployment package, models and outputs.
      {
        principalId: appIdentity.outputs.principalId
        role: 'storageBlobDataOwner'
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
    ]
  }
}

module containerEnvironment 'modules/containerEnvironment.bicep' = {
  params: {
    name: names.containerEnvironment
    location: scorerLocation
    tags: tags
    gpuProfileType: deployGpuScorer ? gpuProfileType : ''
    gpuProfileName: gpuProfileName
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
  }
}

var scorerSettings = {
  environmentId: containerEnvironment.outputs.id
  identity: {
    id: scorerIdentity.outputs.id
    clientId: scorerIdentity.outputs.clientId
  }
  registryServer: registry.outputs.loginServer
  scorerKeySecretUrl: '${keyVault.outputs.uri}secrets/${secretNames.scorerKey}'
  modelsBlobEndpoint: storage.outputs.blobEndpoint
}

module gpuScorer 'modules/scorerApp.bicep' = if (deployGpuScorer) {
  params: {
    name: names.gpuScorer
    location: scorerLocation
    tags: tags
    environmentId: scorerSettings.environmentId
    workloadProfileName: gpuProfileName
    identity: scorerSettings.identity
    registryServer: scorerSettings.registryServer
    image: image
    isScorerImage: isScorerImage
    targetPort: imagePort
    executionProviders: 'cuda,cpu'
    cpu: gpuReplicaSizes[gpuProfileType].cpu
    memory: gpuReplicaSizes[gpuProfileType].memory
    scale: gpuScorerScale
    scorerKeySecretUrl: scorerSettings.scorerKeySecretUrl
    modelsBlobEndpoint: scorerSettings.modelsBlobEndpoint
  }
}

module cpuScorer 'modules/scorerApp.bicep' = {
  params: {
    name: names.cpuScorer
    location: scorerLocation
    tags: tags
    environmentId: scorerSettings.environmentId
    workloadProfileName: containerEnvironment.outputs.consumptionProfileName
    identity: scorerSettings.identity
    registryServer: scorerSettings.registryServer
    image: image
    isScorerImage: isScorerImage
    targetPort: imagePort
    executionProviders: 'cpu'
    cpu: cpuScorerCores
    memory: cpuScorerMemory
    scale: cpuScorerScale
    scorerKeySecretUrl: scorerSettings.scorerKeySecretUrl
    modelsBlobEndpoint: scorerSettings.modelsBlobEndpoint
  }
}

// ── Function App ─────────────────────────────────────────────────────────────────────────────────

module functionApp 'modules/functionApp.bicep' = {
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
    // Read once at start by shared/config.ts.
    appSettings: {
      COSMOS_ENDPOINT: cosmos.outputs.endpoint
      COSMOS_DATABASE: cosmosDatabaseName
      SIBYL_TOKEN_SIGNING_KEY: keyVaultReference(keyVault.outputs.name, secretNames.tokenSigningKey)
      SIBYL_KEY_ENCRYPTION_KEY: keyVaultReference(keyVault.outputs.name, secretNames.keyEncryptionKey)
      SIBYL_FUNCTION_KEY: keyVaultReference(keyVault.outputs.name, secretNames.functionKey)
      SIBYL_SCORER_KEY: keyVaultReference(keyVault.outputs.name, secretNames.scorerKey)
      // `compute.kind: "gpu"` deployments.
      SIBYL_SCORER_GPU_URL: gpuScorer.?outputs.url ?? ''
      // `compute.kind: "container"` deployments.
      SIBYL_SCORER_CPU_URL: cpuScorer.outputs.url
    }
  }
}

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' existing = {
  name: names.keyVault
}

// Written through the running host, so only once the code is published (README "Deploy to Azure").
// After functionApp, which itself waits for keyVault (so the secret read here is the one just set).
module hostKey 'modules/hostKey.bicep' = if (setHostKey) {
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
output apiUrl string = 'https://${functionApp.outputs.defaultHostName}'

@description('Function App name (for `func azure functionapp publish` / `az functionapp deployment`).')
output functionAppName string = functionApp.outputs.name

@description('URL of the GPU scorer app; empty when `deployGpuScorer` is false.')
output gpuScorerUrl string = gpuScorer.?outputs.url ?? ''

@description('URL of the CPU (Consumption) scorer app.')
output cpuScorerUrl string = cpuScorer.outputs.url

@description('Container app names of the scorers, for `az containerapp` commands.')
output scorerAppNames string[] = deployGpuScorer ? [names.gpuScorer, names.cpuScorer] : [names.cpuScorer]

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

@description('Event Grid system topic for the blob-trigger subscription (infra/scripts/subscribeBlobTrigger.sh).')
output eventGridSystemTopicName string = eventGrid.outputs.name
