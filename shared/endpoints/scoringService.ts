/**
 * Real-time scoring: endpoint auth → traffic pick → decode and check against the signature →
 * (dynamic batcher) → encode; mirrored copies run on the side. Each stage is timed.
 *
 * @example
 *   const result = await scoreAzureMl({ endpoint: 'iris', readBody: async () => ({ json: await readJson(request) }), authorization, pinned: null, requestId });
 */
import { getConfig } from '../config';
import { SibylError } from '../errors';
import { decodeAzureMlRequest, encodeAzureMlResponse, type AzureMlResponse } from '../scoring/codecs/azureMlCodec';
import { orderColumns } from '../scoring/codecs/mlflowColumns';
import { encodeBinaryResponse } from '../scoring/codecs/oipBinary';
import { decodeOipRequest, encodeOipResponse, type OipInferResponse } from '../scoring/codecs/oipCodec';
import type { NamedTensor } from '../scoring/datatypes';
import { authenticateRequest } from './auth/authenticateRequest';
import { loadedDeployment, type LoadedDeployment } from './deploymentRuntime';
import { authInfoOf, servingDeployments, type DeploymentDoc, type EndpointSnapshot } from './endpointDocuments';
import { authValidators } from './endpointSecrets';
import { getSnapshot } from './endpointStore';
import { recordRequest } from './metrics/metricsRecorder';
import { requestColumns } from '../monitoring/collectedRows';
import { collectRequest } from '../monitoring/dataCollector';
import { pickDeployment, pickMirrors } from './trafficPolicy';
import { copyToUserCode, forwardToUserCode, userCodeMetadata, type ForwardedResult } from './userCodeForwarding';

export interface StageTimings {
  authMs: number;
  loadMs: number;
  decodeMs: number;
  scoreMs: number;
  encodeMs: number;
}

export interface ScoreResult<T> {
  deployment: string;
  model: string;
  body: T;
  timings: StageTimings;
  /** The answer in the OIP binary tensor extension's form, when the request asked for binary outputs. */
  binary?: { body: Buffer; headerLength: number };
}

export interface Target {
  body: RequestBody;
  snapshot: EndpointSnapshot;
  doc: DeploymentDoc;
  loaded: LoadedDeployment;
  authMs: number;
  loadMs: number;
}

export interface ScoreRequest {
  endpoint: string;
  /**
   * Reads and parses the request body. Called only once the endpoint exists and the caller is
   * authenticated, so an anonymous or misaddressed request never costs a parse (or a read).
   */
  readBody: (raw?: boolean) => Promise<RequestBody>;
  authorization: string | null;
  /** `azureml-model-deployment` header, or the OIP `{version}` segment. */
  pinned: string | null;
  requestId: string;
}

/** A request's parsed JSON, and with the OIP binary tensor extension the bytes after its JSON header. */
export interface RequestBody {
  json: unknown;
  binary?: Uint8Array;
  /** The body as sent, with its content type (and OIP binary header), for user code (`readBody(true)`). */
  raw?: { bytes: Uint8Array; headers: Record<string, string> };
}

/** Snapshot reads in progress, by endpoint name. */
const snapshotReads = new Map<string, Promise<EndpointSnapshot>>();

/**
 * `getSnapshot`, with concurrent calls for one endpoint sharing one read: when the cached snapshot
 * expires under load, every request in flight would otherwise send its own Cosmos query (measured:
 * ~60 queries per refresh at 64 connections).
 */
function sharedSnapshot(endpoint: string): Promise<EndpointSnapshot> {
  let read = snapshotReads.get(endpoint);
  if (!read) {
    read = getSnapshot(endpoint).finally(() => snapshotReads.delete(endpoint));
    snapshotReads.set(endpoint, read);
  }
  return read;
}

/** Authenticates the caller against the endpoint and returns its snapshot. */
export async function authorizeEndpoint(endpoint: string, authorization: string | null): Promise<EndpointSnapshot> {
  const snapshot = await sharedSnapshot(endpoint);
  await authenticateRequest(authInfoOf(snapshot.endpoint), authorization, authValidators());
  return snapshot;
}

/**
 * The deployment document a request goes to. Traffic is read together with the deployments, but a
 * deployment deleted a moment ago can still be named by it (the delete removes the document, then the
 * traffic entry): such entries are skipped rather than failing the request.
 */
function pickDoc(snapshot: EndpointSnapshot, endpoint: string, pinned: string | null): DeploymentDoc {
  // A deployment still being created takes no requests yet (its first version is not warm).
  const serving = servingDeployments(snapshot);
  const stillCreating = (name: string) =>
    new SibylError('ServiceUnavailable', `Deployment '${name}' is still being created; retry shortly.`, undefined, {
      'Retry-After': '5',
    });
  if (serving.length === 0 && snapshot.deployments.length > 0) throw stillCreating(snapshot.deployments[0]!.name);
  const names = serving.map((d) => d.name);
  const traffic = Object.fromEntries(
    Object.entries(snapshot.endpoint.traffic).filter(([name]) => names.includes(name)),
  );
  const name = pickDeployment(endpoint, traffic, names, pinned);
  const doc = serving.find((d) => d.name === name);
  if (doc) return doc;
  if (snapshot.deployments.some((d) => d.name === name)) throw stillCreating(name);
  throw new SibylError('DeploymentNotFound', `Endpoint '${endpoint}' has no deployment '${name}'.`);
}

async function target(request: ScoreRequest): Promise<Target> {
  const t0 = performance.now();
  const snapshot = await authorizeEndpoint(request.endpoint, request.authorization);
  const t1 = performance.now();
  const doc = pickDoc(snapshot, request.endpoint, request.pinned);
  const loaded = await loadedDeployment(doc);
  // Before the body is read: under overload a refusal must cost far less than an answer.
  loaded.checkCapacity();
  const t2 = performance.now();
  const body = await request.readBody(loaded.userCode !== undefined);
  return { body, snapshot, doc, loaded, authMs: t1 - t0, loadMs: t2 - t1 };
}

async function scoreTimed(
  t: Target,
  feeds: NamedTensor[],
  outputs: readonly string[] | undefined,
  decodeMs: number,
): Promise<{ outputs: NamedTensor[]; scoreMs: number }> {
  const started = performance.now();
  let failed = true;
  try {
    const result = await t.loaded.score(feeds, outputs);
    failed = false;
    return { outputs: result, scoreMs: performance.now() - started };
  } finally {
    recordRequest(t.doc.endpoint, t.doc.name, decodeMs + performance.now() - started, failed);
  }
}

/** Copies the request to mirror deployments; their answers and failures never reach the client. */
function mirror(t: Target, feeds: NamedTensor[], userCodePath: string): void {
  for (const name of pickMirrors(t.snapshot.endpoint.mirrorTraffic)) {
    const doc = servingDeployments(t.snapshot).find((d) => d.name === name);
    if (!doc || doc.name === t.doc.name) continue;
    const started = performance.now();
    void loadedDeployment(doc)
      .then((loaded) =>
        loaded.userCode
          ? copyToUserCode(loaded, loaded.userCode, userCodePath, t.body)
          : loaded.score(feeds).then(() => undefined),
      )
      .then(
        () => recordRequest(doc.endpoint, doc.name, performance.now() - started, false),
        () => recordRequest(doc.endpoint, doc.name, performance.now() - started, true),
      );
  }
}

/** `POST api/endpoints/{name}/score` (Azure ML / MLflow JSON forms). */
export async function scoreAzureMl(request: ScoreRequest): Promise<ScoreResult<AzureMlResponse> | ForwardedResult> {
  const t = await target(request);
  if (t.loaded.userCode) return forwardToUserCode(t, t.loaded.userCode, '/score', request.requestId);
  const d0 = performance.now();
  let feeds: NamedTensor[];
  try {
    const body = orderColumns(
      t.body.json,
      t.loaded.columns,
      t.loaded.signature.inputs.map((s) => s.name),
    );
    feeds = decodeAzureMlRequest(body, t.loaded.signature, { maxElements: getConfig().maxTensorElements });
  } catch (error) {
    recordRequest(t.doc.endpoint, t.doc.name, performance.now() - d0, true);
    throw error;
  }
  const decodeMs = performance.now() - d0;
  mirror(t, feeds, '/score');
  const { outputs, scoreMs } = await scoreTimed(t, feeds, undefined, decodeMs);
  collectRequest(
    t.doc,
    request.requestId,
    { tensors: feeds, columns: requestColumns(t.body.json) },
    { tensors: outputs },
  );
  const e0 = performance.now();
  const body = encodeAzureMlResponse(outputs);
  return {
    deployment: t.doc.name,
    model: `${t.doc.modelName}:${t.doc.modelVersion}`,
    body,
    timings: { authMs: t.authMs, loadMs: t.loadMs, decodeMs, scoreMs, encodeMs: performance.now() - e0 },
  };
}

/** `POST api/v2/models/{endpoint}[/versions/{deployment}]/infer` (Open Inference Protocol v2). */
export async function inferOip(
  request: ScoreRequest,
  path?: string,
): Promise<ScoreResult<OipInferResponse> | ForwardedResult> {
  const t = await target(request);
  if (t.loaded.userCode) {
    const route = path ?? `/v2/models/${encodeURIComponent(request.endpoint)}/infer`;
    return forwardToUserCode(t, t.loaded.userCode, route, request.requestId);
  }
  const d0 = performance.now();
  let decoded;
  try {
    decoded = decodeOipRequest(t.body.json, {
      signature: t.loaded.signature,
      maxElements: getConfig().maxTensorElements,
      binary: t.body.binary,
    });
  } catch (error) {
    recordRequest(t.doc.endpoint, t.doc.name, performance.now() - d0, true);
    throw error;
  }
  const decodeMs = performance.now() - d0;
  mirror(t, decoded.inputs, path ?? `/v2/models/${encodeURIComponent(request.endpoint)}/infer`);
  const { outputs, scoreMs } = await scoreTimed(t, decoded.inputs, undefined, decodeMs);
  collectRequest(t.doc, request.requestId, { tensors: decoded.inputs }, { tensors: outputs });
  const e0 = performance.now();
  const binaryNames = new Set(
    decoded.binaryOutputs === 'all' ? outputs.map((o) => o.name) : (decoded.binaryOutputs ?? []),
  );
  const body = encodeOipResponse(outputs, {
    modelName: request.endpoint,
    modelVersion: t.doc.name,
    id: decoded.id ?? request.requestId,
    parameters: decoded.parameters,
    outputs: decoded.outputs,
    binary: binaryNames,
  });
  const binary = binaryNames.size ? encodeBinaryResponse(body, outputs, binaryNames) : undefined;
  const timings = { authMs: t.authMs, loadMs: t.loadMs, decodeMs, scoreMs, encodeMs: performance.now() - e0 };
  return {
    deployment: t.doc.name,
    model: `${t.doc.modelName}:${t.doc.modelVersion}`,
    body,
    timings,
    ...(binary ? { binary } : {}),
  };
}

/** OIP model metadata for an endpoint (or one of its deployments). */
export async function oipModelMetadata(
  endpoint: string,
  deployment: string | null,
  authorization: string | null,
  /** Replica path and request id, for a user-code deployment's own server. */
  path?: string,
  requestId?: string,
): Promise<unknown> {
  const snapshot = await authorizeEndpoint(endpoint, authorization);
  const serving = servingDeployments(snapshot);
  const docs = deployment ? serving.filter((d) => d.name === deployment) : serving;
  if (deployment && docs.length === 0)
    throw new SibylError('DeploymentNotFound', `Endpoint '${endpoint}' has no deployment '${deployment}'.`);
  const loaded = await loadedDeployment(pickDoc(snapshot, endpoint, deployment));
  if (loaded.userCode) {
    const route = path ?? `/v2/models/${encodeURIComponent(endpoint)}`;
    return userCodeMetadata(loaded.userCode, route, requestId ?? '');
  }
  return {
    name: endpoint,
    versions: serving.map((d) => d.name),
    platform: 'onnxruntime_onnx',
    inputs: loaded.signature.inputs,
    outputs: loaded.signature.outputs,
  };
}

/** OIP readiness: the endpoint (or deployment) can serve in this instance. */
export async function oipModelReady(
  endpoint: string,
  deployment: string | null,
  authorization: string | null,
): Promise<boolean> {
  const snapshot = await authorizeEndpoint(endpoint, authorization);
  const serving = servingDeployments(snapshot);
  const docs = deployment ? serving.filter((d) => d.name === deployment) : serving;
  if (deployment && docs.length === 0)
    throw new SibylError('DeploymentNotFound', `Endpoint '${endpoint}' has no deployment '${deployment}'.`);
  if (docs.length === 0) return false;
  const loaded = await Promise.all(docs.map((d) => loadedDeployment(d).catch(() => undefined)));
  return loaded.every((l) => l?.ready === true);
}
