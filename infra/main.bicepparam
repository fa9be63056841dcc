// Parameters for `az deployment group create --template-file infra/main.bicep --parameters infra/main.bicepparam`.
// Secrets and per-deployment choices come from environment variables so nothing secret is committed;
// an unset secret is passed empty, which keeps the value Key Vault already holds (README "Deploy to Azure").
using 'main.bicep'

param baseName = readEnvironmentVariable('SIBYL_BASE_NAME', 'sibyl')

param nodeVersion = '22'
param instanceMemoryMB = 2048
param maximumInstanceCount = 100
param httpPerInstanceConcurrency = 16

param tokenSigningKey = readEnvironmentVariable('SIBYL_TOKEN_SIGNING_KEY', '')
param keyEncryptionKey = readEnvironmentVariable('SIBYL_KEY_ENCRYPTION_KEY', '')
param functionKey = readEnvironmentVariable('SIBYL_FUNCTION_KEY', '')
param scorerKey = readEnvironmentVariable('SIBYL_SCORER_KEY', '')
// True once the app's code is published: the host key `sibyl` is written through the running host.
param setHostKey = bool(readEnvironmentVariable('SIBYL_SET_HOST_KEY', 'false'))

// Serverless GPU profiles, comma-separated (T4, A100); empty for none.
param gpus = empty(readEnvironmentVariable('SIBYL_GPUS', 'T4')) ? [] : split(readEnvironmentVariable('SIBYL_GPUS', 'T4'), ',')
// `scheduler` (Durable Task Scheduler) or `storage` (the Azure Storage provider, where the scheduler is not offered).
param durableBackend = readEnvironmentVariable('SIBYL_DURABLE_BACKEND', 'scheduler') == 'storage' ? 'storage' : 'scheduler'
// False on the first deployment: identities, data and roles first, the Function App once roles have propagated.
param deployApps = bool(readEnvironmentVariable('SIBYL_DEPLOY_APPS', 'true'))
param scorerImage = readEnvironmentVariable('SIBYL_SCORER_IMAGE', '')

param operatorPrincipalId = readEnvironmentVariable('SIBYL_OPERATOR_PRINCIPAL_ID', '')
