// The Event Grid system topic on the storage account. Flex Consumption runs blob triggers only with
// the Event Grid source; the subscription that feeds the trigger needs the host's `blobs_extension`
// key, which exists only once the code is deployed and the host has started, so
// infra/scripts/subscribeBlobTrigger.sh creates it as the documented second step.

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
