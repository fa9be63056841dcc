// One container app running the scorer (scorer/): an Open Inference Protocol v2 server. Used twice
// by main.bicep: on the serverless GPU profile (`compute.kind: "gpu"`) and on the Consumption CPU
// profile (`compute.kind: "container"`). Both scale to zero on HTTP concurrency.

metadata description = 'Scorer container app with managed identity, Key Vault secret and HTTP scale rule.'

@description('Container app name: 2-32 lowercase letters, digits and hyphens, starting with a letter.')
@minLength(2)
@maxLength(32)
param name string

@description('Azure region (the environment\'s).')
param location string

@description('Tags for every resource.')
param tags { *: string }

@description('Resource id of the Container Apps environment.')
param environmentId string

@description('Workload profile the app runs on (the GPU profile\'s name, or `Consumption`).')
param workloadProfileName string

@description('The user-assigned identity the app runs as (AcrPull, blob read on models, Key Vault secrets).')
param identity identityType

@description('Registry login server the image is pulled from with the identity.')
param registryServer string

@description('Container image.')
param image string

@description('Whether `image` is the scorer (probes on its OIP health routes) or a placeholder before the first push.')
param isScorerImage bool

@description('Port the container listens on.')
@minValue(1)
@maxValue(65535)
param targetPort int

@description('ONNX Runtime execution providers in order of preference (SIBYL_SCORER_EXECUTION_PROVIDERS): `cuda,cpu` on GPU, `cpu` on Consumption.')
param executionProviders 'cuda,cpu' | 'cpu'

@description('CPU cores per replica, e.g. `2.0` (a GPU profile\'s full size: 8.0 on T4, 24.0 on A100).')
param cpu string

@description('Memory per replica, e.g. `4Gi` (Consumption: twice the cores; GPU: 56Gi on T4, 220Gi on A100).')
param memory string

@description('Replica bounds and the HTTP concurrency that adds a replica.')
param scale scaleType

@description('Key Vault URL of the secret holding the scorer key (versionless).')
param scorerKeySecretUrl string

@description('Blob endpoint of the storage account holding the models container.')
param modelsBlobEndpoint string

@description('A user-assigned identity, as the app needs it.')
type identityType = {
  @description('Resource id.')
  id: string

  @description('Client id.')
  clientId: string
}

@export()
@description('Scale settings of a scorer app.')
type scaleType = {
  @description('Replicas kept running; 0 scales to zero when idle.')
  @minValue(0)
  @maxValue(1000)
  minReplicas: int

  @description('Most replicas.')
  @minValue(1)
  @maxValue(1000)
  maxReplicas: int

  @description('Concurrent HTTP requests per replica before another replica is added.')
  @minValue(1)
  concurrentRequests: int
}

var healthProbes = [
  {
    type: 'Startup'
    httpGet: {
      path: '/v2/health/live'
      port: targetPort
    }
    // Model sessions (and CUDA) can take a while to come up on a cold GPU replica.
    initialDelaySeconds: 5
    periodSeconds: 5
    failureThreshold: 60
  }
  {
    type: 'Liveness'
    httpGet: {
      path: '/v2/health/live'
      port: targetPort
    }
    periodSeconds: 10
    failureThreshold: 3
  }
  {
    type: 'Readiness'
    httpGet: {
      path: '/v2/health/ready'
      port: targetPort
    }
    periodSeconds: 5
    failureThreshold: 3
  }
]

resource app 'Microsoft.App/containerApps@2025-07-01' = {
  name: name
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    environmentId: environmentId
    workloadProfileName: workloadProfileName
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: targetPort
        transport: 'auto'
        allowInsecure: false
        traffic: [
          {
            latestRevision: true
            weight: 100
          }
        ]
      }
      registries: [
        {
          server: registryServer
          identity: identity.id
        }
      ]
      secrets: [
        {
          name: 'scorer-key'
          keyVaultUrl: scorerKeySecretUrl
          identity: identity.id
        }
      ]
    }
    template: {
      containers: [
        {
          // The first container is the one that gets the GPU.
          name: 'scorer'
          image: image
          resources: {
            cpu: json(cpu)
            memory: memory
          }
          env: [
            {
              name: 'PORT'
              value: string(targetPort)
            }
            {
              name: 'AZURE_CLIENT_ID'
              value: identity.clientId
            }
            {
              // Models are read with the identity from this endpoint (shared/config.ts storage settings).
              name: 'AzureWebJobsStorage__blobServiceUri'
              value: modelsBlobEndpoint
            }
            {
              name: 'SIBYL_SCORER_KEY'
              secretRef: 'scorer-key'
            }
            {
              name: 'SIBYL_SCORER_EXECUTION_PROVIDERS'
              value: executionProviders
            }
          ]
          probes: isScorerImage ? healthProbes : []
        }
      ]
      scale: {
        minReplicas: scale.minReplicas
        maxReplicas: scale.maxReplicas
        rules: [
          {
            name: 'http-concurrency'
            http: {
              metadata: {
                concurrentRequests: string(scale.concurrentRequests)
              }
            }
          }
        ]
      }
    }
  }
}

@description('Name of the container app.')
output name string = app.name

@description('HTTPS base URL of the app.')
output url string = 'https://${app.properties.configuration.ingress.fqdn}'
