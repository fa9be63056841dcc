// The Function App on Flex Consumption (Linux). Host storage, deployment package, Key Vault
// references and telemetry all go through one user-assigned identity; no connection strings.

metadata description = 'Flex Consumption plan, Function App and its app settings.'

@description('Function App name (global: becomes <name>-<hash>.<region>.azurewebsites.net).')
@minLength(2)
@maxLength(60)
param name string

@description('Flex Consumption plan name.')
param planName string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags { *: string }

@description('The user-assigned identity the app runs as.')
param identity identityType

@description('Storage endpoints for the host (AzureWebJobsStorage) and the deployment package.')
param storage storageType

@description('Container that receives the deployment package (a zip).')
param deploymentContainerName string

@description('Application Insights connection string.')
param appInsightsConnectionString string

@description('Node.js major version.')
param nodeVersion '20' | '22'

@description('Memory per instance, in MB.')
param instanceMemoryMB 512 | 2048 | 4096

@description('Most instances per function group (HTTP, Durable, blob each scale as one group).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@description('Concurrent HTTP requests one instance takes before the platform adds instances (host.json HTTP throttles are ignored on Flex).')
@minValue(1)
@maxValue(1000)
param httpPerInstanceConcurrency int

@description('Sibyl\'s own settings (Cosmos, Key Vault references, scorer URLs), merged over the host settings.')
param appSettings { *: string }

@description('A user-assigned identity, as the app needs it.')
type identityType = {
  @description('Resource id.')
  id: string

  @description('Client id.')
  clientId: string
}

@description('Storage endpoints (each with a trailing slash).')
type storageType = {
  @description('Blob endpoint.')
  blobEndpoint: string

  @description('Queue endpoint.')
  queueEndpoint: string

  @description('Table endpoint.')
  tableEndpoint: string
}

// Identity-based host storage: blobs (keys, leases, blob trigger), queues (blob trigger, Durable),
// tables (Durable history). Telemetry is sent with the same identity (local auth is off).
var hostSettings = {
  AzureWebJobsStorage__blobServiceUri: storage.blobEndpoint
  AzureWebJobsStorage__queueServiceUri: storage.queueEndpoint
  AzureWebJobsStorage__tableServiceUri: storage.tableEndpoint
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.clientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.clientId};Authorization=AAD'
  // DefaultAzureCredential (shared/storage/credential.ts) picks the user-assigned identity by this.
  AZURE_CLIENT_ID: identity.clientId
  // The dashboard answers `/`; without this the host's default page would where no function does.
  AzureWebJobsDisableHomepage: 'true'
}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.blobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      runtime: {
        name: 'node'
        version: nodeVersion
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
        triggers: {
          http: {
            perInstanceConcurrency: httpPerInstanceConcurrency
          }
        }
      }
    }
  }
}

resource settings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: site
  name: 'appsettings'
  properties: union(hostSettings, appSettings)
}

// Publishing goes through Entra ID (az CLI, Core Tools); no FTP or basic-auth SCM credentials.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

@description('Name of the Function App.')
output name string = site.name

@description('Default host name (<name>-<hash>.<region>.azurewebsites.net).')
output defaultHostName string = site.properties.defaultHostName
