// Parameters for `az deployment group create --template-file infra/main.bicep --parameters infra/main.bicepparam`.
// Secrets and per-deployment choices come from environment variables so nothing secret is committed;
// an unset secret is passed empty, which keeps the value Key Vault already holds (README "Deploy to Azure").
using 'main.bicep'

param baseName = readEnvironmentVariable('SIBYL_BASE_NAME', 'sibyl')

param nodeVersion = '20'
param instanceMemoryMB = 2048
param maximumInstanceCount = 100
param httpPerInstanceConcurrency = 16

param tokenSigningKey = readEnvironmentVariable('SIBYL_TOKEN_SIGNING_KEY', '')
param keyEncryptionKey = readEnvironmentVariable('SIBYL_KEY_ENCRYPTION_KEY', '')
param functionKey = readEnvironmentVariable('SIBYL_FUNCTION_KEY', '')
param scorerKey = readEnvironmentVariable('SIBYL_SCORER_KEY', '')
// True once the app's code is published: the host key `sibyl` is written through the running host.
param setHostKey = bool(readEnvironmentVariable('SIBYL_SET_HOST_KEY', 'false'))

param deployGpuScorer = bool(readEnvironmentVariable('SIBYL_DEPLOY_GPU', 'true'))
param gpuProfileType = 'Consumption-GPU-NC8as-T4'
param scorerImage = readEnvironmentVariable('SIBYL_SCORER_IMAGE', '')

param operatorPrincipalId = readEnvironmentVariable('SIBYL_OPERATOR_PRINCIPAL_ID', '')
