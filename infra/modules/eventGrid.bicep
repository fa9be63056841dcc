// The Event Grid system topic on the storage account, the source of the BlobCreated events that the
// Event Grid trigger `scheduleBlobTrigger` receives. Its subscription (endpoint: the function's resource
// id) could be a `systemTopics/eventSubscriptions` resource here, but Event Grid validates that the function
// exists, and it exists only once the code is published and indexed, after this deployment; so
// infra/scripts/subscribeBlobEvents.sh creates it as the last deployment step.

metadata description = 'Event Grid system topic for blob events of the storage account.'

@description('System topic name.')
param name string

@description('Region of the storage account (a system topic lives beside its source).')
param location string

@description('Tags for every resource.')
param tags { *: string }

@description('Resource id of the storage account whose blob events the topic carries.')
param storageAccountId string

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    source: storageAccountId
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

@description('Name of the system topic.')
output name string = topic.name
