/**
 * Real-time scoring in the Function App: endpoint auth → traffic pick → the data plane
 * (`shared/scoring/dataPlane.ts`: decode and check against the signature → dynamic batcher → encode),
 * with metrics, mirrored copies and data collection watching each request. Each stage is timed.
 *
 * @example
 *   const readBody = async () => ({ bytes: await readBytes(request) });
 *   const result = await scoreAzureMl({ endpoint: 'iris', readBody, authorization, pinned: null, requestId });
 */
import { getConfig } from '../config';
import { SibylError } from '../errors';
import type { AzureMlResponse } from '../scoring/codecs/azureMlCodec';
import type { OipInferResponse } from '../scoring/codecs/oipCodec';
import { score, type Protocol, type DecodedRequest, type RequestBody, type ScoringWatch } from '../scoring/dataPlane';
import { azureMlProtocol } from '../scoring/protocols/azureMlProtocol';
import { oipProtocol } from '../scoring/protocols/oipProtocol';
import { authenticateKey, authenticateRequest, type EndpointAuthInfo } from './auth/authenticateRequest';
import { currentDeployment, loadedDeployment, type LoadedDeployment } from './deploymentRuntime';
import { authInfoOf, servingDeployments, type DeploymentDoc, type EndpointSnapshot } from './endpointDocuments';
import { authValidators } from './endpointSecrets';
import { cachedSnapshot, getSnapshot } from './endpointStore';
import { recordRequest } from './metrics/metricsRecorder';
import { requestColumns } from '../monitoring/collectedRows';
import { collectRequest } from '../monitoring/dataCollector';
import { pickDeployment } from './trafficPolicy';
import { forwardToUserCode, mirror, userCodeMetadata, type ForwardedResult } from './userCodeForwarding';

export type { RequestBody } from '../scoring/dataPlane';

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
   * Reads the request body. Called only once the endpoint exists and the caller is authenticated,
   * so an anonymous or misaddressed request never costs a read (or a parse).
   */
  readBody: () => Promise<RequestBody>;
  authorization: string | null;
  /** `azureml-model-deployment` header, or the OIP `{version}` segment. */
  pinned: string | null;
  requestId: string;
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
  return authorized(endpoint, authorization);
}

/**
 * `authorizeEndpoint`, answering without a wait in the common case (a cached snapshot of a `key`
 * endpoint); a snapshot to read or a token to check makes it a promise.
 */
function authorized(endpoint: string, authorization: string | null): EndpointSnapshot | Promise<EndpointSnapshot> {
  const snapshot = cachedSnapshot(endpoint);
  const auth = snapshot && planOf(snapshot).auth;
  if (!snapshot || auth?.authMode !== 'key') return authorizeSlowly(endpoint, authorization);
  authenticateKey(auth, authorization);
  return snapshot;
}

async function authorizeSlowly(endpoint: string, authorization: string | null): Promise<EndpointSnapshot> {
  const snapshot = await sharedSnapshot(endpoint);
  await authenticateRequest(planOf(snapshot).auth, authorization, authValidators());
  return snapshot;
}

/** What every request to one snapshot of an endpoint works out the same way, worked out once. */
interface SnapshotPlan {
  auth: EndpointAuthInfo;
  serving: DeploymentDoc[];
  servingNames: string[];
  /** The endpoint's traffic, less entries naming deployments that are not serving. */
  traffic: Record<string, number>;
  /** Whether any deployment gets mirror traffic (most endpoints have none: then no request looks for one). */
  mirrors: boolean;
}

/** Plans by snapshot: a snapshot is replaced, never changed, when the endpoint changes. */
const plans = new WeakMap<EndpointSnapshot, SnapshotPlan>();

function planOf(snapshot: EndpointSnapshot): SnapshotPlan {
  let plan = plans.get(snapshot);
  if (!plan) {
    const serving = servingDeployments(snapshot);
    const servingNames = serving.map((d) => d.name);
    const traffic = Object.fromEntries(
      Object.entries(snapshot.endpoint.traffic).filter(([name]) => servingNames.includes(name)),
    );
    const mirrors = Object.values(snapshot.endpoint.mirrorTraffic).some((percent) => percent > 0);
    plan = { auth: authInfoOf(snapshot.endpoint), serving, servingNames, traffic, mirrors };
    plans.set(snapshot, plan);
  }
  return plan;
}

function stillCreating(name: string): SibylError {
  return new SibylError(
    'ServiceUnavailable',
    `Deployment '${name}' is still being created; retry shortly.`,
    undefined,
    {
      'Retry-After': '5',
    },
  );
}

/**
 * The deployment document a request goes to. Traffic is read together with the deployments, but a
 * deployment deleted a moment ago can still be named by it (the delete removes the document, then the
 * traffic entry): such entries are skipped rather than failing the request.
 */
function pickDoc(snapshot: EndpointSnapshot, endpoint: string, pinned: string | null): DeploymentDoc {
  // A deployment still being created takes no requests yet (its first version is not warm).
  const { serving, servingNames, traffic } = planOf(snapshot);
  if (serving.length === 0 && snapshot.deployments.length > 0) throw stillCreating(snapshot.deployments[0]!.name);
  const name = pickDeployment(endpoint, traffic, servingNames, pinned);
  const doc = serving.find((d) => d.name === name);
  if (doc) return doc;
  if (snapshot.deployments.some((d) => d.name === name)) throw stillCreating(name);
  throw new SibylError('DeploymentNotFound', `Endpoint '${endpoint}' has no deployment '${name}'.`);
}

async function target(request: ScoreRequest): Promise<Target> {
  const t0 = performance.now();
  // The awaits below are taken only on a cold path: a snapshot to read, a token to check, a model to load.
  const checked = authorized(request.endpoint, request.authorization);
  const snapshot = checked instanceof Promise ? await checked : checked;
  const t1 = performance.now();
  const doc = pickDoc(snapshot, request.endpoint, request.pinned);
  const loaded = currentDeployment(doc) ?? (await loadedDeployment(doc));
  // Before the body is read: under overload a refusal must cost far less than an answer.
  loaded.checkCapacity();
  const t2 = performance.now();
  const body = await request.readBody();
  return { body, snapshot, doc, loaded, authMs: t1 - t0, loadMs: t2 - t1 };
}

/** Metrics, mirrors and data collection of one request to `t`. */
function watchOf<Parsed>(
  t: Target,
  requestId: string,
  columnsOf: (parsed: Parsed) => string[] | undefined,
  userCodePath: string,
) {
  const watch: ScoringWatch<Parsed> = {
    record: (ms, failed) => recordRequest(t.doc.endpoint, t.doc.name, ms, failed),
  };
  // Only what the endpoint has turned on is watched: the common request neither mirrors nor collects.
  if (planOf(t.snapshot).mirrors) watch.decoded = (inputs) => mirror(t, userCodePath, requestId, inputs);
  if (t.doc.dataCollection?.enabled) {
    watch.scored = (inputs, outputs, parsed) => {
      const columns = columnsOf(parsed);
      collectRequest(t.doc, requestId, { tensors: inputs, ...(columns && { columns }) }, { tensors: outputs });
    };
  }
  return watch;
}

/** Scores `request` on the deployment traffic picks, through `protocol`. */
async function scoreWith<Parsed, Request extends DecodedRequest, Answer>(
  request: ScoreRequest,
  protocol: Protocol<Parsed, Request, Answer>,
  columnsOf: (parsed: Parsed) => string[] | undefined,
  userCodePath: string,
): Promise<ScoreResult<Answer> | ForwardedResult> {
  const t = await target(request);
  if (t.loaded.userCode) return forwardToUserCode(t, t.loaded.userCode, userCodePath, request.requestId);
  const names = { modelName: request.endpoint, modelVersion: t.doc.name, id: request.requestId };
  const limits = { maxElements: getConfig().maxTensorElements };
  const watch = watchOf(t, request.requestId, columnsOf, userCodePath);
  const { answer, timings } = await score(t.loaded, protocol, t.body, names, limits, { watch });
  return {
    deployment: t.doc.name,
    model: `${t.doc.modelName}:${t.doc.modelVersion}`,
    body: answer,
    timings: { authMs: t.authMs, loadMs: t.loadMs, ...timings },
  };
}

/** `POST api/endpoints/{name}/score` (Azure ML / MLflow JSON forms). */
export function scoreAzureMl(request: ScoreRequest): Promise<ScoreResult<AzureMlResponse> | ForwardedResult> {
  return scoreWith(request, azureMlProtocol, requestColumns, '/score');
}

/**
 * `POST api/v2/models/{endpoint}[/versions/{deployment}]/infer` (Open Inference Protocol v2). `path`: the
 * route as a user-code deployment's replica serves it.
 */
export async function inferOip(
  request: ScoreRequest,
  path = `/v2/models/${encodeURIComponent(request.endpoint)}/infer`,
): Promise<ScoreResult<OipInferResponse> | ForwardedResult> {
  const result = await scoreWith(request, oipProtocol, () => undefined, path);
  if ('forwarded' in result) return result;
  const { json, binary } = result.body;
  return { ...result, body: json, ...(binary ? { binary } : {}) };
}

/**
 * The endpoint's serving deployments once the caller is authorized, and those `deployment` names (all of them
 * when null); DeploymentNotFound when it names none.
 */
async function authorizedServing(
  endpoint: string,
  deployment: string | null,
  authorization: string | null,
): Promise<{ snapshot: EndpointSnapshot; serving: DeploymentDoc[]; named: DeploymentDoc[] }> {
  const snapshot = await authorizeEndpoint(endpoint, authorization);
  const serving = servingDeployments(snapshot);
  const named = deployment ? serving.filter((d) => d.name === deployment) : serving;
  if (deployment && named.length === 0)
    throw new SibylError('DeploymentNotFound', `Endpoint '${endpoint}' has no deployment '${deployment}'.`);
  return { snapshot, serving, named };
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
  const { snapshot, serving } = await authorizedServing(endpoint, deployment, authorization);
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
  const { named } = await authorizedServing(endpoint, deployment, authorization);
  if (named.length === 0) return false;
  const loaded = await Promise.all(named.map((d) => loadedDeployment(d).catch(() => undefined)));
  return loaded.every((l) => l?.ready === true);
}
