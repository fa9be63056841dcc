// Log Analytics and workspace-based Application Insights. Local (instrumentation-key) auth is off:
// telemetry is accepted only from identities holding Monitoring Metrics Publisher.

metadata description = 'Log Analytics workspace and Application Insights with Entra-only ingestion.'

import { roleDefinitionIds, roleAssignmentType } from 'roles.bicep'

@description('Log Analytics workspace name.')
param workspaceName string

@description('Application Insights component name.')
param appInsightsName string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags { *: string }

@description('Days Log Analytics keeps data.')
@minValue(30)
@maxValue(730)
param retentionInDays int

@description('Roles on the Application Insights component.')
param roleAssignments roleAssignmentType[]

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    features: {
      disableLocalAuth: true
    }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

resource appInsightsRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in roleAssignments: if (!empty(assignment.principalId)) {
    name: guid(appInsights.id, assignment.principalId, roleDefinitionIds[assignment.role])
    scope: appInsights
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

@description('Resource id of the Log Analytics workspace.')
output workspaceId string = workspace.id

@description('Application Insights connection string (an ingestion address, not a secret: local auth is off).')
output appInsightsConnectionString string = appInsights.properties.ConnectionString
