/**
 * Real-time scoring: endpoint auth → traffic pick → decode and check against the signature →
 * (dynamic batcher) → encode; mirrored copies run on the side. Each stage is timed.
 *
 * @example
 *   const result = await scoreAzureMl({ endpoint: 'iris', body, authorization, pinned: null, requestId });
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
import type { DeploymentDoc, EndpointSnapshot } from './endpointDocuments';
import { authValidators } from './endpointSecrets';
import { getSnapshot } from './endpointStore';
import { recordRequest } from './metrics/metricsRecorder';
import { pickDeployment, pickMirrors } from './trafficPolicy';

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

interface Target {
  snapshot: EndpointSnapshot;
  doc: DeploymentDoc;
  loaded: LoadedDeployment;
  authMs: number;
  loadMs: number;
}

export interface ScoreRequest {
  endpoint: string;
  body: unknown;
  authorization: string | null;
  /** `azureml-model-deployment` header, or the OIP `{version}` segment. */
  pinned: string | null;
  requestId: string;
  /** OIP binary tensor extension: the bytes after the JSON header (`body`). */
  binary?: Uint8Array;
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
  const e = snapshot.endpoint;
  await authenticateRequest({ name: e.endpoint, authMode: e.authMode, keys: e.keys }, authorization, authValidators());
  return snapshot;
}

async function target(request: ScoreRequest): Promise<Target> {
  const t0 = performance.now();
  const snapshot = await authorizeEndpoint(request.endpoint, request.authorization);
  const t1 = performance.now();
  const name = pickDeployment(request.endpoint, snapshot.endpoint.traffic, snapshot.deployments.map((d) => d.name), request.pinned);
  const doc = snapshot.deployments.find((d) => d.name === name)!;
  const loaded = await loadedDeployment(doc);
  return { snapshot, doc, loaded, authMs: t1 - t0, loadMs: performance.now() - t1 };
}

async function scoreTimed(t: Target, feeds: NamedTensor[], outputs: readonly string[] | undefined, decodeMs: number): Promise<{ outputs: NamedTensor[]; scoreMs: number }> {
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
function mirror(t: Target, feeds: NamedTensor[]): void {
  for (const name of pickMirrors(t.snapshot.endpoint.mirrorTraffic)) {
    const doc = t.snapshot.deployments.find((d) => d.name === name);
    if (!doc || doc.name === t.doc.name) continue;
    const started = performance.now();
    void loadedDeployment(doc)
      .then((loaded) => loaded.score(feeds))
      .then(
        () => recordRequest(doc.endpoint, doc.name, performance.now() - started, false),
        () => recordRequest(doc.endpoint, doc.name, performance.now() - started, true),
      );
  }
}

/** `POST api/endpoints/{name}/score` (Azure ML / MLflow JSON forms). */
export async function scoreAzureMl(request: ScoreRequest): Promise<ScoreResult<AzureMlResponse>> {
  const t = await target(request);
  const d0 = performance.now();
  let feeds: NamedTensor[];
  try {
    const body = orderColumns(request.body, t.loaded.columns, t.loaded.signature.inputs.map((s) => s.name));
    feeds = decodeAzureMlRequest(body, t.loaded.signature, { maxElements: getConfig().maxTensorElements });
  } catch (error) {
    recordRequest(t.doc.endpoint, t.doc.name, performance.now() - d0, true);
    throw error;
  }
  const decodeMs = performance.now() - d0;
  mirror(t, feeds);
  const { outputs, scoreMs } = await scoreTimed(t, feeds, undefined, decodeMs);
  const e0 = performance.now();
  const body = encodeAzureMlResponse(outputs);
  return { deployment: t.doc.name, model: `${t.doc.modelName}:${t.doc.modelVersion}`, body, timings: { authMs: t.authMs, loadMs: t.loadMs, decodeMs, scoreMs, encodeMs: performance.now() - e0 } };
}

/** `POST api/v2/models/{endpoint}[/versions/{deployment}]/infer` (Open Inference Protocol v2). */
export async function inferOip(request: ScoreRequest): Promise<ScoreResult<OipInferResponse>> {
  const t = await target(request);
  const d0 = performance.now();
  let decoded;
  try {
    decoded = decodeOipRequest(request.body, { signature: t.loaded.signature, maxElements: getConfig().maxTensorElements, binary: request.binary });
  } catch (error) {
    recordRequest(t.doc.endpoint, t.doc.name, performance.now() - d0, true);
    throw error;
  }
  const decodeMs = performance.now() - d0;
  mirror(t, decoded.inputs);
  const { outputs, scoreMs } = await scoreTimed(t, decoded.inputs, undefined, decodeMs);
  const e0 = performance.now();
  const binaryNames = new Set(decoded.binaryOutputs === 'all' ? outputs.map((o) => o.name) : (decoded.binaryOutputs ?? []));
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
  return { deployment: t.doc.name, model: `${t.doc.modelName}:${t.doc.modelVersion}`, body, timings, ...(binary ? { binary } : {}) };
}

/** OIP model metadata for an endpoint (or one of its deployments). */
export async function oipModelMetadata(endpoint: string, deployment: string | null, authorization: string | null): Promise<unknown> {
  const snapshot = await authorizeEndpoint(endpoint, authorization);
  const docs = deployment ? snapshot.deployments.filter((d) => d.name === deployment) : snapshot.deployments;
  if (deployment && docs.length === 0) throw new SibylError('DeploymentNotFound', `Endpoint '${endpoint}' has no deployment '${deployment}'.`);
  const name = deployment ?? pickDeployment(endpoint, snapshot.endpoint.traffic, snapshot.deployments.map((d) => d.name), null);
  const loaded = await loadedDeployment(snapshot.deployments.find((d) => d.name === name)!);
  return {
    name: endpoint,
    versions: snapshot.deployments.map((d) => d.name),
    platform: 'onnxruntime_onnx',
    inputs: loaded.signature.inputs,
    outputs: loaded.signature.outputs,
  };
}

/** OIP readiness: the endpoint (or deployment) can serve in this instance. */
export async function oipModelReady(endpoint: string, deployment: string | null, authorization: string | null): Promise<boolean> {
  const snapshot = await authorizeEndpoint(endpoint, authorization);
  const docs = deployment ? snapshot.deployments.filter((d) => d.name === deployment) : snapshot.deployments;
  if (deployment && docs.length === 0) throw new SibylError('DeploymentNotFound', `Endpoint '${endpoint}' has no deployment '${deployment}'.`);
  if (docs.length === 0) return false;
  const loaded = await Promise.all(docs.map((d) => loadedDeployment(d).catch(() => undefined)));
  return loaded.every((l) => l?.ready === true);
}
