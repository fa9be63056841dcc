/**
 * The curl and CLI lines the empty states offer. The function key is never written into them: they
 * read it from `$SIBYL_KEY`, so a screenshot or a copied line leaks nothing.
 */

const key = '-H "x-functions-key: $SIBYL_KEY"';

export const COMMANDS = {
  registerModel: (origin: string) => ({
    curl: `curl -X POST "${origin}/api/models/iris/versions" ${key} -H "Content-Type: application/octet-stream" --data-binary @iris.onnx`,
    cli: 'sibyl models register iris.onnx --name iris',
  }),
  createEndpoint: (origin: string) => ({
    curl: `curl -X PUT "${origin}/api/endpoints/iris" ${key} -H "Content-Type: application/json" -d '{"authMode": "key"}'`,
    cli: 'sibyl endpoints create iris --auth key && sibyl deploy iris/blue --model iris@latest',
  }),
  createDeployment: (origin: string, endpoint: string) => ({
    curl: `curl -X PUT "${origin}/api/endpoints/${endpoint}/deployments/blue" ${key} -H "Content-Type: application/json" -d '{"model": "iris@latest"}'`,
    cli: `sibyl deploy ${endpoint}/blue --model iris@latest`,
  }),
  score: (scoringUri: string) =>
    `curl -X POST "${scoringUri}" -H "Authorization: Bearer $ENDPOINT_KEY" -H "Content-Type: application/json" -d '{"data": [[...]]}'`,
  submitBatch: (origin: string) =>
    `curl -X POST "${origin}/api/batch/jobs" ${key} -H "Content-Type: application/json" -d '{"deployment": "iris/blue", "input": {"datastore": "workspaceblobstore", "path": "iris/input/", "format": "csv"}, "output": {"datastore": "workspaceblobstore", "path": "iris/output/"}}'`,
  putPipeline: (origin: string) =>
    `curl -X PUT "${origin}/api/pipelines/nightly" ${key} -H "Content-Type: application/json" -d '{"steps": [{"name": "score", "kind": "batch-score", "job": {"deployment": "iris/blue", "input": {"datastore": "workspaceblobstore", "path": "incoming/", "format": "csv"}, "output": {"datastore": "workspaceblobstore", "path": "scored/"}}}]}' && curl -X POST "${origin}/api/pipelines/nightly/publish" ${key}`,
  putSchedule: (origin: string) =>
    `curl -X PUT "${origin}/api/schedules/nightly-2am" ${key} -H "Content-Type: application/json" -d '{"pipeline": "nightly:1", "enabled": true, "trigger": {"cron": "0 0 2 * * *"}}'`,
} as const;
