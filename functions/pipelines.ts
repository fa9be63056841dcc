/**
 * Pipeline routes: drafts (`PUT/GET api/pipelines/{name}`, `GET api/pipelines`), publishing, published
 * versions (list, get, disable/enable) and runs (`POST …/versions/{version}/runs`, which needs the
 * Durable client to start the `pipelineRun` orchestration).
 */
import * as df from 'durable-functions';
import { parseBodyText, parseParams } from '../shared/api/validate';
import { PipelineParams, PipelineRunRequest, PipelineVersionParams, PipelineVersionPatch } from '../shared/api/schemas';
import { toRun } from '../shared/workspace/runDocuments';
import { durableRunStarter } from '../shared/pipelines/durableRunStarter';
import { parsePipelineDefinition } from '../shared/pipelines/pipelineChecks';
import { startPipelineRun } from '../shared/pipelines/pipelineRuns';
import {
  getPipeline,
  getPipelineVersion,
  listPipelines,
  listPipelineVersions,
  publishPipeline,
  runnableVersion,
  savePipelineDraft,
  setPipelineVersionEnabled,
} from '../shared/pipelines/pipelineStore';
import { etagAnswer, ifMatchOf } from './http/conditional';
import { registerDurableRoute, registerRoute } from './http/registerRoute';
import { originOf, readBody, readJson } from './http/requestBody';

registerRoute('createOrUpdatePipeline', async (request) => {
  const { name } = parseParams(PipelineParams, request.params);
  const draft = parsePipelineDefinition(await readJson(request, 'pipeline'));
  return etagAnswer('pipeline', await savePipelineDraft(name, draft, { ifMatch: ifMatchOf(request) }));
});

registerRoute('listPipelines', async () => ({ jsonBody: { value: await listPipelines() } }));

registerRoute('getPipeline', async (request) => {
  const { name } = parseParams(PipelineParams, request.params);
  return etagAnswer('pipeline', await getPipeline(name));
});

registerRoute('publishPipeline', async (request, _context, call) => {
  const { name } = parseParams(PipelineParams, request.params);
  const published = await publishPipeline(name, originOf(request));
  call.log.pipeline = `${name}:${published.version}`;
  return {
    status: 201,
    jsonBody: published,
    headers: { location: `/api/pipelines/${name}/versions/${published.version}` },
  };
});

registerRoute('listPipelineVersions', async (request) => {
  const { name } = parseParams(PipelineParams, request.params);
  return { jsonBody: { value: await listPipelineVersions(name, originOf(request)) } };
});

registerRoute('getPipelineVersion', async (request) => {
  const { name, version } = parseParams(PipelineVersionParams, request.params);
  return etagAnswer('version', await getPipelineVersion(name, version, originOf(request)));
});

registerRoute('updatePipelineVersion', async (request) => {
  const { name, version } = parseParams(PipelineVersionParams, request.params);
  const { enabled } = await readBody(request, PipelineVersionPatch, 'version update');
  const ifMatch = ifMatchOf(request);
  return etagAnswer('version', await setPipelineVersionEnabled(name, version, enabled, originOf(request), { ifMatch }));
});

registerDurableRoute('runPipeline', async (request, context, call) => {
  const { name, version } = parseParams(PipelineVersionParams, request.params);
  // The body is optional: no body runs with the defaults.
  const text = await request.text();
  const body = text.trim() === '' ? {} : parseBodyText(PipelineRunRequest, text, 'run request');
  const doc = await runnableVersion(name, version);
  const run = await startPipelineRun(
    doc,
    {
      ...(body.parameters ? { parameters: body.parameters } : {}),
      ...(body.experiment ? { experiment: body.experiment } : {}),
    },
    durableRunStarter(df.getClient(context)),
  );
  call.log.run = run.id;
  return {
    status: 202,
    jsonBody: toRun(run),
    headers: { location: `${originOf(request)}/api/runs/${encodeURIComponent(run.id)}` },
  };
});
