/** Data-plane routes: Azure ML style scoring and the Open Inference Protocol v2. */
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import {
  inferOip,
  oipModelMetadata,
  oipModelReady,
  scoreAzureMl,
  type ScoreResult,
  type StageTimings,
} from '../shared/endpoints/scoringService';
import type { ForwardedResult } from '../shared/endpoints/userCodeForwarding';
import type { LogFields, SibylHttpHandler } from './http/httpHandler';
import { checkedDeployment, checkedEndpoint } from './http/checkedTarget';
import { registerRoute } from './http/registerRoute';
import { readBytes } from './http/requestBody';
import { BINARY_EXTENSION, BINARY_HEADER } from '../shared/scoring/codecs/oipBinary';

const SERVER_VERSION = '0.1.0';

/** The replica path of an OIP model route: the client's path without `/api` (user-code deployments). */
function oipPath(endpoint: string, deployment: string | null): string {
  const model = `/v2/models/${encodeURIComponent(endpoint)}`;
  return deployment ? `${model}/versions/${encodeURIComponent(deployment)}` : model;
}

/** A user-code replica's answer as it came (status, content type, body). */
function forwardedResponse(result: ForwardedResult): HttpResponseInit {
  const { status, headers, body } = result.forwarded;
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return { status, body: bytes, headers: { ...headers, 'azureml-model-deployment': result.deployment } };
}

function logResult(log: LogFields, endpoint: string, result: ScoreResult<unknown> | ForwardedResult): void {
  log.endpoint = endpoint;
  log.deployment = result.deployment;
  log.model = result.model;
  const timings: StageTimings = result.timings;
  log.authMs = timings.authMs;
  log.loadMs = timings.loadMs;
  log.decodeMs = timings.decodeMs;
  log.scoreMs = timings.scoreMs;
  log.encodeMs = timings.encodeMs;
}

registerRoute('scoreEndpoint', async (request, _context, call) => {
  const { endpoint } = checkedEndpoint(request.params.name);
  const readBody = async () => ({
    bytes: await readBytes(request),
    contentType: request.headers.get('content-type'),
  });
  const result = await scoreAzureMl({
    endpoint,
    readBody,
    authorization: request.headers.get('authorization'),
    pinned: request.headers.get('azureml-model-deployment'),
    requestId: call.requestId,
  });
  logResult(call.log, endpoint, result);
  if ('forwarded' in result) return forwardedResponse(result);
  return { jsonBody: result.body, headers: { 'azureml-model-deployment': result.deployment } };
});

registerRoute('oipServerMetadata', () =>
  Promise.resolve({ jsonBody: { name: 'sibyl', version: SERVER_VERSION, extensions: [BINARY_EXTENSION] } }),
);

function oipTarget(request: HttpRequest, versioned: boolean): { endpoint: string; deployment: string | null } {
  const { model, version } = request.params;
  return versioned ? checkedDeployment(model, version) : checkedEndpoint(model);
}

// Each OIP model route serves an endpoint (`/models/{model}`) or one of its deployments (`/versions/{version}`).
function metadata(versioned: boolean): SibylHttpHandler {
  return async (request, _context, call) => {
    const { endpoint, deployment } = oipTarget(request, versioned);
    const authorization = request.headers.get('authorization');
    const path = oipPath(endpoint, deployment);
    return { jsonBody: await oipModelMetadata(endpoint, deployment, authorization, path, call.requestId) };
  };
}

function readiness(versioned: boolean): SibylHttpHandler {
  return async (request) => {
    const { endpoint, deployment } = oipTarget(request, versioned);
    const ready = await oipModelReady(endpoint, deployment, request.headers.get('authorization'));
    return {
      status: ready ? 200 : 503,
      jsonBody: { name: endpoint, ...(deployment ? { version: deployment } : {}), ready },
    };
  };
}

function inference(versioned: boolean): SibylHttpHandler {
  return async (request, _context, call) => {
    const { endpoint, deployment } = oipTarget(request, versioned);
    // The binary tensor extension: a JSON header of the declared length, then raw tensor bytes.
    const binaryHeader = request.headers.get(BINARY_HEADER);
    const contentType = request.headers.get('content-type');
    const readBody = async () => ({ bytes: await readBytes(request), binaryHeader, contentType });
    const result = await inferOip(
      {
        endpoint,
        readBody,
        authorization: request.headers.get('authorization'),
        pinned: deployment ?? request.headers.get('azureml-model-deployment'),
        requestId: call.requestId,
      },
      `${oipPath(endpoint, deployment)}/infer`,
    );
    logResult(call.log, endpoint, result);
    if ('forwarded' in result) return forwardedResponse(result);
    if (result.binary) {
      const headers = {
        'azureml-model-deployment': result.deployment,
        'content-type': 'application/octet-stream',
        [BINARY_HEADER]: String(result.binary.headerLength),
      };
      return { body: result.binary.body, headers };
    }
    return { jsonBody: result.body, headers: { 'azureml-model-deployment': result.deployment } };
  };
}

registerRoute('oipModelMetadata', metadata(false));
registerRoute('oipModelVersionMetadata', metadata(true));
registerRoute('oipModelReady', readiness(false));
registerRoute('oipModelVersionReady', readiness(true));
registerRoute('oipModelInfer', inference(false));
registerRoute('oipModelVersionInfer', inference(true));
