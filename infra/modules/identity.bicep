// A user-assigned managed identity. User-assigned rather than system-assigned so its roles exist
// before the app that uses it starts (Key Vault references, image pulls, host storage).

metadata description = 'User-assigned managed identity.'

@description('Identity name.')
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags { *: string }

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

@description('Resource id of the identity.')
output id string = identity.id

@description('Object (principal) id, for role assignments.')
output principalId string = identity.properties.principalId

@description('Client id, for AZURE_CLIENT_ID and `__clientId` settings.')
output clientId string = identity.properties.clientId
