// Cosmos DB for NoSQL, serverless, Entra-only: the workspace (registry, endpoints, runs, metrics).

metadata description = 'Serverless Cosmos DB account, the sibyl database and its containers, data-plane role assignments.'

import { roleDefinitionIds } from 'roles.bicep'

@description('Account name: 3-44 lowercase letters, digits and hyphens, globally unique.')
@minLength(3)
@maxLength(44)
param name string

@description('Azure region (serverless accounts have exactly one).')
param location string

@description('Tags for every resource.')
param tags { *: string }

@description('Database name (the app\'s COSMOS_DATABASE).')
param databaseName string

@description('Principal ids that get Cosmos DB Built-in Data Contributor on the account (data plane).')
param dataContributorPrincipalIds string[]

@description('A container and its partition key; `defaultTtl` in seconds, -1 for per-item TTL, absent for none.')
type containerType = {
  @description('Container id.')
  id: string

  @description('Partition key path.')
  partitionKey: string

  @description('Default time to live in seconds.')
  defaultTtl: int?
}

// Mirrors shared/storage/cosmosContainers.ts (COSMOS_CONTAINERS); test/infra checks they agree.
var containers containerType[] = [
  { id: 'models', partitionKey: '/name' }
  { id: 'environments', partitionKey: '/name' }
  { id: 'code', partitionKey: '/name' }
  { id: 'endpoints', partitionKey: '/endpoint' }
  { id: 'metrics', partitionKey: '/endpoint', defaultTtl: 7 * 24 * 3600 }
  { id: 'datastores', partitionKey: '/name' }
  { id: 'runs', partitionKey: '/id' }
  { id: 'runLogs', partitionKey: '/runId' }
  { id: 'pipelines', partitionKey: '/name' }
  { id: 'schedules', partitionKey: '/name' }
  { id: 'monitors', partitionKey: '/name' }
]

resource account 'Microsoft.DocumentDB/databaseAccounts@2025-04-15' = {
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    capabilities: [
      {
        name: 'EnableServerless'
      }
    ]
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2025-04-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
  }
}

// Serverless: no `options.throughput` on the database or its containers.
resource sqlContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2025-04-15' = [
  for container in containers: {
    parent: database
    name: container.id
    properties: {
      resource: {
        id: container.id
        partitionKey: {
          paths: [
            container.partitionKey
          ]
          kind: 'Hash'
          version: 2
        }
        defaultTtl: container.?defaultTtl
      }
    }
  }
]

resource dataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions@2025-04-15' existing = {
  parent: account
  name: roleDefinitionIds.cosmosDbBuiltInDataContributor
}

resource dataContributorAssignments 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2025-04-15' = [
  for principalId in dataContributorPrincipalIds: {
    parent: account
    name: guid(account.id, principalId, dataContributor.id)
    properties: {
      roleDefinitionId: dataContributor.id
      principalId: principalId
      scope: account.id
    }
  }
]

@description('Account endpoint (the app\'s COSMOS_ENDPOINT).')
output endpoint string = account.properties.documentEndpoint

@description('Name of the account.')
output name string = account.name

@description('Names of the containers created.')
output containerIds string[] = [for container in containers: container.id]
