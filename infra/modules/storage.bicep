// The storage account: model blobs, datastores, batch outputs, the Durable task hub (queues and
// tables) and the Flex Consumption deployment package. Identity-only: shared keys are off.

metadata description = 'Storage account with soft delete, Sibyl\'s blob containers and their role assignments.'

import { roleDefinitionIds, roleAssignmentType } from 'roles.bicep'

@description('Storage account name: 3-24 lowercase letters and digits, globally unique.')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags { *: string }

@description('Days a deleted blob or container can be restored.')
@minValue(1)
@maxValue(365)
param softDeleteRetentionDays int

@description('Name of the container that holds the Function App\'s deployment package.')
param deploymentContainerName string

@description('Roles on the whole account.')
param roleAssignments roleAssignmentType[]

@description('Roles on the `models` container only (read access for the scorer).')
param modelsContainerRoleAssignments roleAssignmentType[]

@description('Roles on the `code` container only (read access for the scorer: user-code replicas download code assets).')
param codeContainerRoleAssignments roleAssignmentType[] = []

// Names the app relies on: `models` (shared/registry/modelBlobs.ts), `code` (code assets,
// shared/compute/userRuntime.ts), `workspaceblobstore` (the default datastore), `outputs` (batch results).
var containerNames = [
  'models'
  'code'
  'workspaceblobstore'
  'outputs'
  deploymentContainerName
]

resource account 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    publicNetworkAccess: 'Enabled'
    supportsHttpsTrafficOnly: true
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-06-01' = {
  parent: account
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: softDeleteRetentionDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: softDeleteRetentionDays
    }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' = [
  for containerName in containerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

resource accountRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in roleAssignments: if (!empty(assignment.principalId)) {
    name: guid(account.id, assignment.principalId, roleDefinitionIds[assignment.role])
    scope: account
    properties: {
      roleDefinitionId: subscriptionResourceId(
        'Microsoft.Authorization/roleDefinitions',
        roleDefinitionIds[assignment.role]
      )
      principalId: assignment.principalId
      principalType: assignment.principalType
    }
  }
]

// `containers[0]` is `models` (first in containerNames).
resource modelsContainerRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in modelsContainerRoleAssignments: if (!empty(assignment.principalId)) {
    name: guid(containers[0].id, assignment.principalId, roleDefinitionIds[assignment.role])
    scope: containers[0]
    properties: {
      roleDefinitionId: subscriptionResourceId(
        'Microsoft.Authorization/roleDefinitions',
        roleDefinitionIds[assignment.role]
      )
      principalId: assignment.principalId
      principalType: assignment.principalType
    }
  }
]

// `containers[1]` is `code` (second in containerNames).
resource codeContainerRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in codeContainerRoleAssignments: if (!empty(assignment.principalId)) {
    name: guid(containers[1].id, assignment.principalId, roleDefinitionIds[assignment.role])
    scope: containers[1]
    properties: {
      roleDefinitionId: subscriptionResourceId(
        'Microsoft.Authorization/roleDefinitions',
        roleDefinitionIds[assignment.role]
      )
      principalId: assignment.principalId
      principalType: assignment.principalType
    }
  }
]

@description('Resource id of the storage account.')
output id string = account.id

@description('Name of the storage account.')
output name string = account.name

@description('Blob endpoint, with a trailing slash.')
output blobEndpoint string = account.properties.primaryEndpoints.blob

@description('Queue endpoint, with a trailing slash.')
output queueEndpoint string = account.properties.primaryEndpoints.queue

@description('Table endpoint, with a trailing slash.')
output tableEndpoint string = account.properties.primaryEndpoints.table

@description('Names of the blob containers created.')
output containerNames string[] = containerNames
