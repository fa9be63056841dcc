// The container registry for the scorer image. Admin user and anonymous pull are off: apps pull
// with their managed identity (AcrPull), people push with their Entra sign-in.

metadata description = 'Azure Container Registry with identity-only access.'

import { roleDefinitionIds, roleAssignmentType } from 'roles.bicep'

@description('Registry name: 5-50 letters and digits, globally unique.')
@minLength(5)
@maxLength(50)
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags { *: string }

@description('Registry SKU; Premium adds artifact streaming, which shortens GPU cold starts for large images.')
param sku 'Basic' | 'Standard' | 'Premium'

@description('Roles on the registry.')
param roleAssignments roleAssignmentType[]

resource registry 'Microsoft.ContainerRegistry/registries@2025-04-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: sku
  }
  properties: {
    adminUserEnabled: false
    anonymousPullEnabled: false
    publicNetworkAccess: 'Enabled'
  }
}

resource registryRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in roleAssignments: if (!empty(assignment.principalId)) {
    name: guid(registry.id, assignment.principalId, roleDefinitionIds[assignment.role])
    scope: registry
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

@description('Name of the registry.')
output name string = registry.name

@description('Login server (<name>.azurecr.io).')
output loginServer string = registry.properties.loginServer
