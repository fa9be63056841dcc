// What the Function App's identity may do to run each `container`/`gpu` deployment on a container
// app of its own (shared/compute/azure/): deploy infra/scorerApp.bicep's ARM template in this
// resource group, create, update, read (replicas included) and delete container apps, place them
// in the environment and give them the scorer identity; read their replicas' console log stream
// (deployment logs); and build user-code environments' images in the registry with ACR Tasks. A custom role, so the app gets neither
// Owner nor Contributor; it cannot touch any other kind of resource, nor read app secrets.

metadata description = 'Custom role for deploying scorer container apps, assigned to the app identity on the resource group.'

@description('Object (principal) id of the Function App\'s identity.')
param principalId string

@description('Names the role, so that two Sibyl installations in one tenant get two roles.')
param baseName string

var actions = [
  // ARM deployments of the scorer app template.
  'Microsoft.Resources/deployments/read'
  'Microsoft.Resources/deployments/write'
  'Microsoft.Resources/deployments/delete'
  'Microsoft.Resources/deployments/cancel/action'
  'Microsoft.Resources/deployments/operations/read'
  'Microsoft.Resources/deployments/operationstatuses/read'
  'Microsoft.Resources/subscriptions/resourceGroups/read'
  // The container apps themselves, their revisions and replicas (for `scale`).
  'Microsoft.App/containerApps/read'
  'Microsoft.App/containerApps/write'
  'Microsoft.App/containerApps/delete'
  'Microsoft.App/containerApps/revisions/read'
  'Microsoft.App/containerApps/revisions/replicas/read'
  // A short-lived token for the replicas' log stream (`GET …/deployments/{d}/logs`).
  'Microsoft.App/containerApps/getAuthToken/action'
  'Microsoft.App/locations/containerappOperationStatuses/read'
  'Microsoft.App/locations/containerappOperationResults/read'
  // Placing an app in the environment, and running it as the scorer identity.
  'Microsoft.App/managedEnvironments/read'
  'Microsoft.App/managedEnvironments/join/action'
  'Microsoft.ManagedIdentity/userAssignedIdentities/read'
  'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action'
  // ACR Tasks builds of user-code images (shared/compute/azure/acrImageBuild.ts): upload the build
  // context, schedule the run, follow it. The run itself pushes to its own registry.
  'Microsoft.ContainerRegistry/registries/read'
  'Microsoft.ContainerRegistry/registries/listBuildSourceUploadUrl/action'
  'Microsoft.ContainerRegistry/registries/scheduleRun/action'
  'Microsoft.ContainerRegistry/registries/runs/read'
]

resource role 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, baseName, 'sibyl-scorer-app-deployer')
  properties: {
    roleName: 'Sibyl scorer app deployer (${baseName}, ${uniqueString(resourceGroup().id)})'
    description: 'Deploys, reads and deletes Sibyl\'s per-deployment scorer container apps in one resource group.'
    type: 'CustomRole'
    permissions: [
      {
        actions: actions
        notActions: []
      }
    ]
    assignableScopes: [
      resourceGroup().id
    ]
  }
}

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  // Named by role and installation, not by principal id: the id is a runtime value (what-if).
  name: guid(role.id, baseName, 'app-identity')
  properties: {
    // The subscription-level id, the form role assignments document for every role definition.
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.name)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

@description('Resource id of the custom role.')
output roleDefinitionId string = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.name)
