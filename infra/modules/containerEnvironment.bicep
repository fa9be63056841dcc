// The Container Apps environment for the scorer: a workload-profiles environment (serverless GPU
// needs one) with the Consumption profile for CPU apps and a serverless GPU profile. Logs go to
// Log Analytics through diagnostic settings, so no workspace shared key is handed out.

metadata description = 'Container Apps environment with Consumption and serverless GPU workload profiles.'

@description('Environment name.')
param name string

@description('Azure region; serverless GPUs exist only in some (check `az containerapp env workload-profile list-supported -l <region>`).')
param location string

@description('Tags for every resource.')
param tags { *: string }

@description('Serverless GPU profiles to add: the name apps refer to and the profile type.')
param gpuProfiles gpuProfileType[]

@export()
@description('A serverless GPU workload profile of the environment.')
type gpuProfileType = {
  @description('Name apps give as `workloadProfileName`.')
  name: string

  @description('Serverless GPU profile type.')
  workloadProfileType: 'Consumption-GPU-NC8as-T4' | 'Consumption-GPU-NC24-A100'
}

@description('Resource id of the Log Analytics workspace that receives the logs.')
param logAnalyticsWorkspaceId string

var consumptionProfile = {
  name: 'Consumption'
  workloadProfileType: 'Consumption'
}

resource environment 'Microsoft.App/managedEnvironments@2025-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'azure-monitor'
    }
    workloadProfiles: concat([consumptionProfile], gpuProfiles)
    zoneRedundant: false
  }
}

resource logs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'logs-to-workspace'
  scope: environment
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
  }
}

@description('Resource id of the environment.')
output id string = environment.id

@description('Name of the CPU (Consumption) workload profile.')
output consumptionProfileName string = consumptionProfile.name
