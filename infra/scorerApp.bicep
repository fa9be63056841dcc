// One deployment's own scorer app: a container app running scorer/ (an Open Inference Protocol v2
// server) with its own replicas, size and HTTP autoscaling. It is not part of main.bicep: the
// Function App deploys it at run time, once per `container`/`gpu` deployment, through Azure Resource
// Manager (shared/compute/azure/), from the ARM JSON compiled from this file
// (shared/compute/azure/scorerApp.template.json, written by `node scripts/bicep/compileScorerApp.mjs`
// and checked against this source by `npm run test:infra`). The runtime passes only parameters.

metadata description = 'One Sibyl deployment\'s scorer container app: its replicas, size, scale rule and settings.'

targetScope = 'resourceGroup'

@description('Container app name: 2-32 lowercase letters, digits and hyphens, starting with a letter.')
@minLength(2)
@maxLength(32)
param name string

@description('Azure region (the environment\'s).')
param location string = resourceGroup().location

@description('Tags for the app (Sibyl puts the endpoint and deployment names here).')
param tags { *: string } = {}

@description('Resource id of the Container Apps environment.')
param environmentId string

@description('Workload profile the app runs on: `Consumption`, or the environment\'s serverless GPU profile.')
param workloadProfileName string

@description('The user-assigned identity the app runs as (AcrPull, blob read on models, Key Vault secrets).')
param identity identityType

@description('Registry login server the image is pulled from with the identity.')
param registryServer string

@description('Container image (<registry>.azurecr.io/sibyl-scorer:<tag>).')
param image string

@description('Port the container listens on (its PORT setting).')
@minValue(1)
@maxValue(65535)
param targetPort int = 8080

@description('Probe paths: the scorer\'s health routes, or a custom server\'s own (environments issue: `routes`).')
param healthPaths healthPathsType = {
  liveness: '/v2/health/live'
  readiness: '/v2/health/ready'
}

@description('CPU cores of the scorer\'s container as a string, e.g. `2.0`: the whole replica (a GPU profile\'s full size: 8.0 on T4, 24.0 on A100) unless a sidecar takes the rest.')
param cpu string

@description('Memory of the scorer\'s container, e.g. `4Gi` (Consumption: twice the cores; GPU: 56Gi on T4, 220Gi on A100), as `cpu`.')
param memory string

@description('Replica bounds, the HTTP concurrency that adds a replica and the cooldown before one is removed.')
param scale scaleType

@description('Environment variables of each replica (model reference, batching, threads, execution providers...). Never secrets: those come by Key Vault reference.')
param settings { *: string }

@description('Key Vault URL of the secret holding the scorer key (versionless), read with the identity.')
param scorerKeySecretUrl string

@description('A custom server\'s own image, run as a second container of each replica beside the scorer (environments issue). The scorer stays the ingress target, so endpoint auth comes first. Absent: the scorer alone.')
param sidecar sidecarType?

@export()
@description('A user-assigned identity, as the app needs it.')
type identityType = {
  @description('Resource id.')
  id: string

  @description('Client id (AZURE_CLIENT_ID of the replicas).')
  clientId: string
}

@export()
@description('The HTTP paths Container Apps probes a replica on.')
type healthPathsType = {
  @description('Startup and liveness probe path.')
  liveness: string
  @description('Readiness probe path: the replica takes traffic while it answers 2xx.')
  readiness: string
}

@export()
@description('Scale settings of a scorer app (Container Apps limits: 0-1000 replicas).')
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

  @description('Seconds load must stay low before a replica is removed (KEDA cooldown period).')
  @minValue(0)
  cooldownPeriod: int
}

@export()
@description('The user\'s server beside the scorer: both containers share the replica\'s localhost and an EmptyDir volume.')
type sidecarType = {
  @description('The user\'s image, pulled from registryServer with the identity (or public).')
  image: string

  @description('Port the user\'s server listens on (127.0.0.1 is shared with the scorer; it must differ from targetPort).')
  @minValue(1)
  @maxValue(65535)
  port: int

  @description('Liveness path of the user\'s server (its `routes.liveness`).')
  liveness: string

  @description('CPU cores of the user\'s container as a string; with the scorer\'s `cpu`, a size the profile allows.')
  cpu: string

  @description('Memory of the user\'s container, e.g. `1.5Gi`.')
  memory: string

  @description('Where both containers mount the shared EmptyDir volume the scorer downloads the model and code into.')
  sharedDir: string

  @description('Environment variables of the user\'s container (its PORT, AZUREML_MODEL_DIR, the environment\'s variables). Never secrets.')
  env: { *: string }
}

// Container Apps accept failureThreshold and successThreshold 1-10, initialDelaySeconds 0-60,
// periodSeconds and timeoutSeconds 1-240 (npm run test:infra checks every probe against these).
// A cold GPU replica loads CUDA and the model before it is live, so the startup probe's patience
// comes from its period: 10 s + 10 failures x 15 s, about 160 s.
var healthProbes = [
  {
    type: 'Startup'
    httpGet: {
      path: healthPaths.liveness
      port: targetPort
    }
    initialDelaySeconds: 10
    periodSeconds: 15
    timeoutSeconds: 5
    failureThreshold: 10
  }
  {
    type: 'Liveness'
    httpGet: {
      path: healthPaths.liveness
      port: targetPort
    }
    periodSeconds: 10
    timeoutSeconds: 5
    failureThreshold: 3
  }
  {
    // Fails until the models are loaded and warm, and on a GPU profile while CUDA is not active,
    // so a new revision takes traffic only once it can serve.
    type: 'Readiness'
    httpGet: {
      path: healthPaths.readiness
      port: targetPort
    }
    periodSeconds: 5
    timeoutSeconds: 5
    failureThreshold: 3
  }
]

var fixedEnv = [
  {
    name: 'PORT'
    value: string(targetPort)
  }
  {
    name: 'AZURE_CLIENT_ID'
    value: identity.clientId
  }
  {
    name: 'SIBYL_SCORER_KEY'
    secretRef: 'scorer-key'
  }
]

var sharedVolumeName = 'sibyl-shared'

// The scorer's container; beside a sidecar it also mounts the volume it downloads the user's files into.
var scorerContainer = {
  name: 'scorer'
  image: image
  resources: {
    cpu: json(cpu)
    memory: memory
  }
  env: concat(
    fixedEnv,
    map(items(settings), setting => {
      name: setting.key
      value: setting.value
    })
  )
  probes: healthProbes
  volumeMounts: sidecar == null
    ? []
    : [
        {
          volumeName: sharedVolumeName
          mountPath: sidecar!.sharedDir
        }
      ]
}

// The user's server gets none of the scorer's settings or secrets; Container Apps restarts it when its
// liveness route stops answering (the scorer's own readiness follows the server's readiness route).
var containers = sidecar == null
  ? [scorerContainer]
  : [
      {
        // The first container is the one that gets the GPU: here, the user's server.
        name: 'user'
        image: sidecar!.image
        resources: {
          cpu: json(sidecar!.cpu)
          memory: sidecar!.memory
        }
        env: map(items(sidecar!.env), variable => {
          name: variable.key
          value: variable.value
        })
        probes: [
          {
            type: 'Startup'
            tcpSocket: {
              port: sidecar!.port
            }
            initialDelaySeconds: 10
            periodSeconds: 15
            timeoutSeconds: 5
            failureThreshold: 10
          }
          {
            type: 'Liveness'
            httpGet: {
              path: sidecar!.liveness
              port: sidecar!.port
            }
            periodSeconds: 10
            timeoutSeconds: 5
            failureThreshold: 3
          }
        ]
        volumeMounts: [
          {
            volumeName: sharedVolumeName
            mountPath: sidecar!.sharedDir
          }
        ]
      }
      scorerContainer
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
      // A new revision takes the traffic once its replicas are ready; the old one drains and stops.
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
      containers: containers
      volumes: sidecar == null
        ? []
        : [
            {
              name: sharedVolumeName
              storageType: 'EmptyDir'
            }
          ]
      scale: {
        minReplicas: scale.minReplicas
        maxReplicas: scale.maxReplicas
        cooldownPeriod: scale.cooldownPeriod
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
