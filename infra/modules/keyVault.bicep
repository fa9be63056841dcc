// Key Vault in RBAC mode holding Sibyl's secrets. A secret whose value is passed empty is left as
// it is, so a redeploy that does not pass the secrets keeps them (rotating the key-encryption key
// would make every stored endpoint key unreadable).

metadata description = 'Key Vault (RBAC) with the token-signing, key-encryption, function and scorer keys.'

import { roleDefinitionIds, roleAssignmentType } from 'roles.bicep'

@description('Vault name: 3-24 letters, digits and hyphens, globally unique.')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags { *: string }

@description('Days a deleted vault or secret can be recovered (its name stays taken meanwhile).')
@minValue(7)
@maxValue(90)
param softDeleteRetentionDays int

@description('Whether purge protection is on. Once on it cannot be turned off, and a deleted vault cannot be purged before the retention ends.')
param enablePurgeProtection bool

@description('HS256 key that signs endpoint tokens (SIBYL_TOKEN_SIGNING_KEY), at least 32 characters; empty keeps the stored one.')
@secure()
param tokenSigningKey string

@description('Secret from which the key sealing endpoint keys at rest is derived (SIBYL_KEY_ENCRYPTION_KEY), at least 32 characters; empty keeps the stored one.')
@secure()
param keyEncryptionKey string

@description('The control-plane host key `sibyl` (SIBYL_FUNCTION_KEY); empty keeps the stored one.')
@secure()
param functionKey string

@description('Key the Function App presents to the scorer containers (SIBYL_SCORER_KEY); empty keeps the stored one.')
@secure()
param scorerKey string

@description('Roles on the vault.')
param roleAssignments roleAssignmentType[]

@export()
@description('Secret names in the vault, by purpose.')
var secretNames = {
  tokenSigningKey: 'sibyl-token-signing-key'
  keyEncryptionKey: 'sibyl-key-encryption-key'
  functionKey: 'sibyl-function-key'
  scorerKey: 'sibyl-scorer-key'
}

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    // Lets main.bicep hand the function key to the host-key module (getSecret) without exposing it.
    enabledForTemplateDeployment: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionDays
    enablePurgeProtection: enablePurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
  }
}

resource tokenSigningKeySecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(tokenSigningKey)) {
  parent: vault
  name: secretNames.tokenSigningKey
  properties: {
    value: tokenSigningKey
    contentType: 'text/plain'
  }
}

resource keyEncryptionKeySecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(keyEncryptionKey)) {
  parent: vault
  name: secretNames.keyEncryptionKey
  properties: {
    value: keyEncryptionKey
    contentType: 'text/plain'
  }
}

resource functionKeySecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(functionKey)) {
  parent: vault
  name: secretNames.functionKey
  properties: {
    value: functionKey
    contentType: 'text/plain'
  }
}

resource scorerKeySecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(scorerKey)) {
  parent: vault
  name: secretNames.scorerKey
  properties: {
    value: scorerKey
    contentType: 'text/plain'
  }
}

resource vaultRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in roleAssignments: if (!empty(assignment.principalId)) {
    name: guid(vault.id, assignment.principalId, roleDefinitionIds[assignment.role])
    scope: vault
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

@description('Name of the vault.')
output name string = vault.name

@description('Vault URI, with a trailing slash.')
output uri string = vault.properties.vaultUri
