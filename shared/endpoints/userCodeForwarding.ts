/**
 * Scoring for deployments whose environment runs user code (`python`, `node`, `custom`): after the
 * same auth, traffic pick and queue bound as tensors, the request's raw body goes to a replica
 * (`POST /score` for Azure ML's score route, `/v2/...` unchanged for OIP routes) and its answer comes
 * back as it was (status, content type, body). Mirroring, metrics, the request timeout (408), the
 * queue bound (429) and data collection (of the JSON request and answer, when both are JSON) apply
 * as for ONNX deployments.
 */
import { getConfig } from '../config';
import { SibylError } from '../errors';
import type { Row } from '../monitoring/collectedRows';
import { collectRequest } from '../monitoring/dataCollector';
import { decodeAzureMlRequest } from '../scoring/codecs/azureMlCodec';
import { BINARY_HEADER } from '../scoring/codecs/oipBinary';
import { orderColumns } from '../scoring/codecs/mlflowColumns';
import type { NamedTensor } from '../scoring/datatypes';
import { loadedDeployment, type LoadedDeployment } from './deploymentRuntime';
import { servingDeployments, type DeploymentDoc } from './endpointDocuments';
import { recordRequest } from './metrics/metricsRecorder';
import type { RequestBody, StageTimings, Target } from './scoringService';
import { pickMirrors } from './trafficPolicy';
import type { ForwardedAnswer, UserCodeRunner } from './userCodeRunner';

/** A request answered by user code: the replica's answer, passed through. */
export interface ForwardedResult {
  deployment: string;
  model: string;
  forwarded: ForwardedAnswer;
  timings: StageTimings;
}

/** What is sent on: the body as it arrived, with its content type and OIP binary header. */
function rawOf(body: RequestBody): { bytes: Uint8Array; headers: Record<string, string> } {
  const headers: Record<string, string> = { 'content-type': body.contentType ?? 'application/json' };
  if (body.binaryHeader) headers[BINARY_HEADER] = body.binaryHeader;
  return { bytes: body.bytes, headers };
}

/** Sends one request to `loaded`'s replicas under its queue bound and timeout; records the outcome. */
async function forwardTimed(
  loaded: LoadedDeployment,
  replicas: UserCodeRunner,
  path: string,
  body: RequestBody,
  requestId: string,
): Promise<{ answer: ForwardedAnswer; scoreMs: number }> {
  const { bytes, headers } = rawOf(body);
  const started = performance.now();
  let failed = true;
  try {
    const answer = await loaded.guarded((signal) =>
      replicas.forward({ method: 'POST', path, body: bytes, headers, requestId, signal }),
    );
    failed = answer.status >= 400;
    return { answer, scoreMs: performance.now() - started };
  } finally {
    recordRequest(loaded.doc.endpoint, loaded.doc.name, performance.now() - started, failed);
  }
}

/** Forwards `t`'s request (already authorised and given a deployment) to its replicas' `path`. */
export async function forwardToUserCode(
  t: Target,
  replicas: UserCodeRunner,
  path: string,
  requestId: string,
): Promise<ForwardedResult> {
  mirror(t, path, requestId);
  const { answer, scoreMs } = await forwardTimed(t.loaded, replicas, path, t.body, requestId);
  collect(t.doc, requestId, t.body, answer);
  return {
    deployment: t.doc.name,
    model: `${t.doc.modelName}:${t.doc.modelVersion}`,
    forwarded: answer,
    timings: { authMs: t.authMs, loadMs: t.loadMs, decodeMs: 0, scoreMs, encodeMs: 0 },
  };
}

/**
 * Copies the request to mirror deployments; their answers and failures never reach the client. A
 * user-code mirror gets the same raw request on `path`; an ONNX mirror gets `feeds` when the primary
 * decoded them, else the JSON body decoded as the Azure ML score route would (only for that route: an
 * OIP body means nothing to the azureml codec).
 */
export function mirror(t: Target, path: string, requestId: string, feeds?: NamedTensor[]): void {
  for (const name of pickMirrors(t.snapshot.endpoint.mirrorTraffic)) {
    const doc = servingDeployments(t.snapshot).find((d) => d.name === name);
    if (!doc || doc.name === t.doc.name) continue;
    void mirrorOne(t, doc, path, requestId, feeds);
  }
}

async function mirrorOne(
  t: Target,
  doc: DeploymentDoc,
  path: string,
  requestId: string,
  feeds: NamedTensor[] | undefined,
): Promise<void> {
  const started = performance.now();
  try {
    const loaded = await loadedDeployment(doc);
    const replicas = loaded.userCode;
    // forwardTimed records the outcome itself.
    if (replicas) return void (await forwardTimed(loaded, replicas, path, t.body, requestId).catch(() => undefined));
    await loaded.score(feeds ?? decodedForOnnx(t, loaded, path));
    recordRequest(doc.endpoint, doc.name, performance.now() - started, false);
  } catch {
    recordRequest(doc.endpoint, doc.name, performance.now() - started, true);
  }
}

function decodedForOnnx(t: Target, loaded: LoadedDeployment, path: string): NamedTensor[] {
  if (path !== '/score') throw new Error('an OIP request is not mirrored from user code to an ONNX deployment');
  const json = JSON.parse(new TextDecoder().decode(t.body.bytes)) as unknown;
  const names = loaded.signature.inputs.map((s) => s.name);
  return decodeAzureMlRequest(orderColumns(json, loaded.columns, names), loaded.signature, {
    maxElements: getConfig().maxTensorElements,
  });
}

/** JSON text as a value, or undefined when it is not JSON. */
function parsedJson(bytes: Uint8Array, contentType: string | undefined): unknown {
  if (contentType && !/json/i.test(contentType)) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Collected rows of a JSON value: an object is one row, an array of objects its rows, anything else one
 * row `{"data": value}`. Values are kept as JSON (a scoring script's answer has no tensor signature).
 */
function rowsOf(value: unknown): Row[] {
  const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(value)) return [value as Row];
  if (Array.isArray(value) && value.length > 0 && value.every(isObject)) return value as Row[];
  return [{ data: value as Row[string] }];
}

function collect(doc: DeploymentDoc, requestId: string, body: RequestBody, answer: ForwardedAnswer): void {
  if (!doc.dataCollection?.enabled || answer.status >= 400) return;
  const request = parsedJson(body.bytes, body.contentType ?? undefined);
  const response = parsedJson(answer.body, answer.headers['content-type']);
  if (request === undefined || response === undefined) return;
  collectRequest(doc, requestId, { rows: rowsOf(request) }, { rows: rowsOf(response) });
}

/** OIP model metadata from a user-code deployment's replica (a custom OIP server's own). */
export async function userCodeMetadata(replicas: UserCodeRunner, path: string, requestId: string): Promise<unknown> {
  const answer = await replicas.forward({
    method: 'GET',
    path,
    headers: {},
    requestId,
    signal: AbortSignal.timeout(30_000),
  });
  const json = parsedJson(answer.body, answer.headers['content-type']);
  if (answer.status < 400 && json !== undefined) return json;
  const message =
    typeof (json as { error?: { message?: unknown } })?.error?.message === 'string'
      ? (json as { error: { message: string } }).error.message
      : `status ${answer.status}`;
  throw new SibylError(
    answer.status === 404 ? 'NotFound' : 'ServiceUnavailable',
    `Deployment '${replicas.target.deployment}' runs user code (runtime '${replicas.target.runtime}'), whose ` +
      `server gave no OIP model metadata: ${message.slice(0, 300)}`,
  );
}
