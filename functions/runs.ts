/** Run routes: `api/runs…` and `api/experiments` (control plane). */
import type { HttpRequest, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { parseParams, parseQuery } from '../shared/api/validate';
import { RunParams, RunQuery } from '../shared/api/schemas';
import { toRun } from '../shared/workspace/runDocuments';
import { getRunLogs } from '../shared/workspace/runLogs';
import { listExperiments, listRuns } from '../shared/workspace/runQueries';
import { cancelRun } from '../shared/pipelines/pipelineRunCancel';
import { readRun } from '../shared/workspace/runStore';
import { registerDurableRoute, registerRoute } from './http/registerRoute';
import { originOf } from './http/requestBody';

registerRoute('listRuns', async (request) => {
  const { continuationToken, ...query } = parseQuery(RunQuery, request.query);
  const page = await listRuns({ ...query, ...(continuationToken ? { continuationToken } : {}) });
  let nextLink: string | undefined;
  if (page.continuationToken) {
    const next = new URL(`${originOf(request)}/api/runs`);
    for (const [key, value] of Object.entries(query))
      if (value !== undefined) next.searchParams.set(key, String(value));
    next.searchParams.set('continuationToken', page.continuationToken);
    nextLink = next.href;
  }
  return { jsonBody: { value: page.runs.map(toRun), ...(nextLink ? { nextLink } : {}) } };
});

registerRoute('getRun', async (request) => {
  const { id } = parseParams(RunParams, request.params);
  return { jsonBody: toRun(await readRun(id)) };
});

registerDurableRoute('cancelRun', async (request: HttpRequest, context: InvocationContext) => {
  const { id } = parseParams(RunParams, request.params);
  const client = df.getClient(context);
  const run = await cancelRun(id, (instanceId, reason) => client.terminate(instanceId, reason));
  return { status: 202, jsonBody: toRun(run) };
});

registerRoute('getRunLogs', async (request) => {
  const { id } = parseParams(RunParams, request.params);
  return { jsonBody: await getRunLogs(id) };
});

registerRoute('listExperiments', async () => ({ jsonBody: { value: await listExperiments() } }));
