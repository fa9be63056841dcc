/**
 * Batch job routes: `POST api/batch/jobs` (validate, record, start `batchScoring`), `GET …/{id}`,
 * `POST …/{id}/cancel`. These need the Durable client, so they register with its input binding.
 */
import type { HttpRequest, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { parseParams } from '../shared/api/validate';
import { BatchJobParams, BatchJobSpec } from '../shared/api/schemas';
import { BATCH_ORCHESTRATION, cancelBatchJob, getBatchJob, submitBatchJob } from '../shared/batch/batchJobs';
import { originOf, readBody } from './http/requestBody';
import { registerDurableRoute, registerRoute } from './http/registerRoute';

const statusUri = (request: HttpRequest, id: string) => `${originOf(request)}/api/batch/jobs/${encodeURIComponent(id)}`;

registerDurableRoute('submitBatchJob', async (request: HttpRequest, context: InvocationContext, call) => {
  const spec = await readBody(request, BatchJobSpec, 'batch job');
  const client = df.getClient(context);
  const job = await submitBatchJob(spec, {
    start: async (instanceId, input) => {
      await client.startNew(BATCH_ORCHESTRATION, { instanceId, input });
    },
  });
  call.log.job = job.id;
  const uri = statusUri(request, job.id);
  return { status: 202, jsonBody: { id: job.id, status: job.status, statusUri: uri }, headers: { location: uri } };
});

registerRoute('getBatchJob', async (request) => {
  const { id } = parseParams(BatchJobParams, request.params);
  return { jsonBody: await getBatchJob(id) };
});

registerDurableRoute('cancelBatchJob', async (request: HttpRequest, context: InvocationContext) => {
  const { id } = parseParams(BatchJobParams, request.params);
  const client = df.getClient(context);
  const job = await cancelBatchJob(id, (instanceId, reason) => client.terminate(instanceId, reason));
  return { status: 202, jsonBody: { id: job.id, status: job.status, statusUri: statusUri(request, job.id) } };
});
