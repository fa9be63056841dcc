// The host key `sibyl`: the control-plane key callers send as x-functions-key, and the app's
// SIBYL_FUNCTION_KEY. Its value comes from Key Vault, so the key and the setting never differ.
// The keys API is served by the running Functions host, so deploy this only once the app's code is
// published (main.bicep `setHostKey`); on an app without code it fails with "ServiceUnavailable".

metadata description = 'A host-level function key on a Function App.'

@description('Name of the Function App.')
param functionAppName string

@description('Name of the host key.')
param keyName string

@description('Value of the host key.')
@secure()
param value string

resource site 'Microsoft.Web/sites@2025-03-01' existing = {
  name: functionAppName
}

// The host keys API has no Bicep type definitions (it is not a plain ARM resource path), but ARM
// deploys it; Microsoft's "Azure Functions infrastructure as code" docs use this exact form.
#disable-next-line BCP081
resource hostKey 'Microsoft.Web/sites/host/functionKeys@2024-04-01' = {
  name: '${site.name}/default/${keyName}'
  properties: {
    name: keyName
    value: value
  }
}

@description('Name of the host key.')
output name string = keyName
