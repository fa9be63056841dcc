/**
 * Deployments: a model version behind an endpoint. PUT loads and warms the model (or starts the
 * deployment's replicas) before it answers, so a deployment that exists can serve; one that cannot
 * load is refused with the reason. An update loads while the old version serves; if it fails, the old
 * version keeps serving and the deployment reports `Failed` with the error.
 */
import type { Deployment, DeploymentSpec } from '../api/schemas';
import { SibylError } from '../errors';
import { DEFAULT_ENVIRONMENT, resolveEnvironment } from '../registry/environments';
import { resolveModel } from '../registry/modelRegistry';
import { formatModelReference, parseModelReference } from '../registry/modelReference';
import { getConfig } from '../config';
import { getComputeClient } from '../compute/computeClient';
import { DEFAULTS, prepareDeployment, releaseDeployment } from './deploymentRuntime';
import { checkDeploymentCode } from './deploymentCode';
import { checkInstanceSettings } from './instanceSettings';
import { deploymentDocId, toDeployment, type DeploymentDoc } from './endpointDocuments';
import { checkDataCollection } from '../monitoring/collectionSettings';
import { saveDeploymentDoc } from './deploymentWrites';
import { etagOf } from '../storage/updateWithEtag';
import { assertDeploymentName, deleteDoc, getSnapshot, updateDeploymentDoc, updateEndpointDoc } from './endpointStore';

function deploymentNotFound(endpoint: string, deployment: string): SibylError {
  return new SibylError('DeploymentNotFound', `Endpoint '${endpoint}' has no deployment '${deployment}'.`);
}

export async function putDeployment(
  endpoint: string,
  name: string,
  spec: DeploymentSpec,
  options: { ifMatch?: string } = {},
): Promise<{ deployment: Deployment; created: boolean; etag: string }> {
  assertDeploymentName(name);
  const snapshot = await getSnapshot(endpoint, { fresh: true });
  // One still being created is not an old version that could keep serving.
  const existing = snapshot.deployments.find((d) => d.name === name && d.provisioningState !== 'Creating');
  const ref = parseModelReference(spec.model);
  const version = await resolveModel(ref);
  const environment = await resolveEnvironment(spec.environment ?? DEFAULT_ENVIRONMENT);
  await checkDeploymentCode(spec.code, environment, version);
  const now = new Date().toISOString();
  const doc: DeploymentDoc = {
    id: deploymentDocId(name),
    type: 'deployment',
    endpoint,
    name,
    model: formatModelReference(ref),
    modelName: version.name,
    modelVersion: version.version,
    environment: environment.reference,
    ...(spec.code ? { code: spec.code } : {}),
    instance: spec.instance ?? {},
    batching: spec.batching ?? {},
    requestTimeoutMs: spec.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
    ...(spec.dataCollection ? { dataCollection: await checkDataCollection(spec.dataCollection) } : {}),
    provisioningState: 'Succeeded',
    endpointCreatedAt: snapshot.endpoint.createdAt,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  checkInstanceSettings(environment.compute?.kind ?? 'functions', doc.instance);
  // Same `updatedAt`: instances that have the old version loaded keep it while this one loads. A new
  // one is visible as `Creating` (and takes no requests) until it can serve. The client's If-Match is
  // checked here, before anything loads; the final write is conditional on this one.
  const marked = await updateDeploymentDoc(
    endpoint,
    name,
    (current) =>
      current && current.provisioningState !== 'Creating'
        ? { ...current, provisioningState: 'Updating', error: undefined }
        : { ...doc, provisioningState: 'Creating' },
    options,
  );
  try {
    const loaded = await prepareDeployment(doc);
    if (loaded.warnings.length) doc.warnings = [...loaded.warnings];
  } catch (error) {
    if (existing) {
      const failed = (error as Error).message;
      await updateDeploymentDoc(
        endpoint,
        name,
        (current) => current && { ...current, provisioningState: 'Failed', error: failed },
      );
    } else await deleteDoc(endpoint, doc.id);
    if (error instanceof SibylError && error.status < 500) {
      throw new SibylError(
        error.code,
        `Deployment '${name}' cannot serve model ${doc.modelName}:${doc.modelVersion}: ${error.message}`,
      );
    }
    throw error;
  }
  const saved = await saveDeploymentDoc(doc, { ifMatch: marked?.etag });
  return { deployment: toDeployment(saved.doc), created: !existing, etag: saved.etag };
}

/** The deployment and the ETag of its document (for `If-Match` on a later PUT). */
export async function getDeployment(
  endpoint: string,
  name: string,
): Promise<{ deployment: Deployment; etag: string | undefined }> {
  const snapshot = await getSnapshot(endpoint, { fresh: true });
  const doc = snapshot.deployments.find((d) => d.name === name);
  if (!doc) throw deploymentNotFound(endpoint, name);
  return { deployment: await withScale(doc), etag: etagOf(doc) };
}

/**
 * A `container`/`gpu` deployment with its replicas, and its state as its compute reports it (an
 * update rolling out, or one that failed while the old revision serves).
 */
async function withScale(doc: DeploymentDoc): Promise<Deployment> {
  const deployment = toDeployment(doc);
  if (!getConfig().compute.kind) return deployment;
  const environment = await resolveEnvironment(doc.environment).catch(() => undefined);
  if ((environment?.compute?.kind ?? 'functions') === 'functions') return deployment;
  const status = await getComputeClient().status(doc.endpoint, doc.name);
  if (!status) return { ...deployment, scale: { desiredReplicas: 0, readyReplicas: 0, replicas: [] } };
  const state = status.provisioningState;
  const fromCompute =
    state === 'Creating' || state === 'Updating' || state === 'Failed'
      ? { provisioningState: state, ...(status.error ? { error: status.error } : {}) }
      : {};
  return { ...deployment, ...fromCompute, scale: status.scale };
}

/**
 * Deletes a deployment unless live or mirrored traffic still goes to it (409), drops its (0%) entries
 * from the endpoint's traffic maps (so later endpoint updates still validate), and releases its session.
 */
export async function deleteDeployment(endpoint: string, name: string): Promise<void> {
  const snapshot = await getSnapshot(endpoint, { fresh: true });
  const doc = snapshot.deployments.find((d) => d.name === name);
  if (!doc) throw deploymentNotFound(endpoint, name);
  const live = snapshot.endpoint.traffic[name] ?? 0;
  if (live > 0) {
    throw new SibylError(
      'Conflict',
      `Deployment '${name}' gets ${live}% of endpoint '${endpoint}' traffic; move its traffic to other deployments first.`,
    );
  }
  const mirrored = snapshot.endpoint.mirrorTraffic[name] ?? 0;
  if (mirrored > 0) {
    throw new SibylError(
      'Conflict',
      `Deployment '${name}' gets ${mirrored}% of endpoint '${endpoint}' mirror traffic; set its mirror traffic to 0 first.`,
    );
  }
  await deleteDoc(endpoint, doc.id);
  await forgetTraffic(endpoint, name);
  await releaseDeployment(endpoint, name);
}

/** Removes `name` from the endpoint's traffic and mirror maps (ETag compare-and-swap). */
async function forgetTraffic(endpoint: string, name: string): Promise<void> {
  await updateEndpointDoc(endpoint, (doc) => {
    if (!doc || (!(name in doc.traffic) && !(name in doc.mirrorTraffic))) return undefined;
    const { [name]: _live, ...traffic } = doc.traffic;
    const { [name]: _mirror, ...mirrorTraffic } = doc.mirrorTraffic;
    return { ...doc, traffic, mirrorTraffic, updatedAt: new Date().toISOString() };
  });
}
