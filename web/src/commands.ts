/**
 * The curl and CLI lines the empty states offer. The function key is never written into them: they
 * read it from `$SIBYL_KEY`, so a screenshot or a copied line leaks nothing.
 */

const key = '-H "x-functions-key: $SIBYL_KEY"';

/** A curl line that sends `body` (JSON text, written as a reader would type it) with the function key. */
const curlJson = (method: 'PUT' | 'POST', url: string, body: string): string =>
  `curl -X ${method} "${url}" ${key} -H "Content-Type: application/json" -d '${body}'`;

const batchJob =
  '"deployment": "iris/blue", "input": {"datastore": "workspaceblobstore", "path": "iris/input/", "format": "csv"}, ' +
  '"output": {"datastore": "workspaceblobstore", "path": "iris/output/"}';
const nightlySteps =
  '"steps": [{"name": "score", "kind": "batch-score", "job": {"deployment": "iris/blue", ' +
  '"input": {"datastore": "workspaceblobstore", "path": "incoming/", "format": "csv"}, ' +
  '"output": {"datastore": "workspaceblobstore", "path": "scored/"}}}]';

export const COMMANDS = {
  registerModel: (origin: string) => ({
    curl: `curl -X POST "${origin}/api/models/iris/versions" ${key} -H "Content-Type: application/octet-stream" --data-binary @iris.onnx`,
    cli: 'sibyl models register iris.onnx --name iris',
  }),
  createEndpoint: (origin: string) => ({
    curl: curlJson('PUT', `${origin}/api/endpoints/iris`, '{"authMode": "key"}'),
    cli: 'sibyl endpoints create iris --auth key && sibyl deploy iris/blue --model iris@latest',
  }),
  createDeployment: (origin: string, endpoint: string) => ({
    curl: curlJson('PUT', `${origin}/api/endpoints/${endpoint}/deployments/blue`, '{"model": "iris@latest"}'),
    cli: `sibyl deploy ${endpoint}/blue --model iris@latest`,
  }),
  score: (scoringUri: string) =>
    `curl -X POST "${scoringUri}" -H "Authorization: Bearer $ENDPOINT_KEY" -H "Content-Type: application/json" -d '{"data": [[...]]}'`,
  submitBatch: (origin: string) => curlJson('POST', `${origin}/api/batch/jobs`, `{${batchJob}}`),
  putPipeline: (origin: string) =>
    `${curlJson('PUT', `${origin}/api/pipelines/nightly`, `{${nightlySteps}}`)} && ` +
    `curl -X POST "${origin}/api/pipelines/nightly/publish" ${key}`,
  putSchedule: (origin: string) =>
    curlJson(
      'PUT',
      `${origin}/api/schedules/nightly-2am`,
      '{"pipeline": "nightly:1", "enabled": true, "trigger": {"cron": "0 0 2 * * *"}}',
    ),
} as const;

/** The curl and CLI lines of an empty state, labelled. */
export function curlAndCli(c: { curl: string; cli: string }): { label: string; line: string }[] {
  return [
    { label: 'curl', line: c.curl },
    { label: 'CLI', line: c.cli },
  ];
}
