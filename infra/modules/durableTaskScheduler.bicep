// The Durable Task Scheduler: the managed backend of Durable Functions in Azure (batch scoring
// runs thousands of mini-batch activities through it). Consumption SKU: billed per action, nothing
// while idle. The app reaches it with its identity (host.json's `azureManaged` storage provider).

metadata description = 'Durable Task Scheduler (Consumption) with one task hub and its data role assignments.'

import { roleDefinitionIds, roleAssignmentType } from 'roles.bicep'

@description('Scheduler name: 3-64 letters, digits or hyphens.')
@minLength(3)
@maxLength(64)
param name string

@description('Azure region (the scheduler is offered in some; use `durableBackend: \'storage\'` elsewhere).')
param location string

@description('Tags for every resource.')
param tags { *: string }

@description('Task hub name: host.json\'s `durableTask.hubName`.')
param taskHubName string

@description('Roles to assign on the scheduler.')
param roleAssignments roleAssignmentType[]

resource scheduler 'Microsoft.DurableTask/schedulers@2025-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'Consumption'
    }
    // An empty list denies every caller; access is still only by Entra ID with the data role.
    ipAllowlist: [
      '0.0.0.0/0'
    ]
  }
}

resource taskHub 'Microsoft.DurableTask/schedulers/taskHubs@2025-11-01' = {
  parent: scheduler
  name: taskHubName
}

resource schedulerRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in roleAssignments: if (!empty(assignment.principalId)) {
    name: guid(scheduler.id, assignment.principalId, roleDefinitionIds[assignment.role])
    scope: scheduler
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

@description('Scheduler endpoint (https://<name>.<region>.durabletask.io).')
output endpoint string = scheduler.properties.endpoint

@description('Task hub name.')
output taskHubName string = taskHub.name
