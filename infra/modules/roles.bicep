// The one map of role definition ids. Every role assignment in infra/ names its role here, by key,
// so a GUID appears exactly once and a reader sees what each identity may do.
// Import-only: nothing here deploys.

metadata description = 'Built-in role definition ids and the role-assignment type shared by the modules.'

@export()
@description('Built-in role definition ids by name. `cosmosDbBuiltInDataContributor` is a Cosmos DB data-plane role (assigned through sqlRoleAssignments); every other id is an Azure RBAC role.')
var roleDefinitionIds = {
  acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d'
  cosmosDbBuiltInDataContributor: '00000000-0000-0000-0000-000000000002'
  durableTaskDataContributor: '0ad04412-c4d5-4796-b79c-f76d14c8d402'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
}

@export()
@description('A name from `roleDefinitionIds` that is an Azure RBAC role.')
type rbacRoleName =
  | 'acrPull'
  | 'durableTaskDataContributor'
  | 'keyVaultSecretsOfficer'
  | 'keyVaultSecretsUser'
  | 'monitoringMetricsPublisher'
  | 'storageBlobDataContributor'
  | 'storageBlobDataReader'
  | 'storageQueueDataContributor'
  | 'storageTableDataContributor'

@export()
@description('One role for one principal, on the resource of the module that receives it.')
type roleAssignmentType = {
  @description('Object (principal) id of the identity that gets the role.')
  principalId: string

  @description('The role, by its name in `roleDefinitionIds`.')
  role: rbacRoleName

  @description('Kind of principal: managed identities are `ServicePrincipal`; a person deploying is `User`.')
  principalType: 'ServicePrincipal' | 'User' | 'Group'
}
