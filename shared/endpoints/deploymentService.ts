/**
 * Deployments: a model version behind an endpoint. PUT loads and warms the model before it answers,
 * so a deployment that exists can serve; one that cannot load is refused with the reason.
 */
import type { Deployment, DeploymentSpec } from '../api/schemas';
import { SibylError } from '../errors';
import { DEFAULT_ENVIRONMENT, resolveEnvironment } from '../registry/environments';
import { resolveModel } from '../registry/modelRegistry';
import { formatModelReference, parseModelReference } from '../registry/modelReference';
import { DEFAULTS, prepareDeployment, releaseDeployment } from './deploymentRuntime';
import { deploymentDocId, toDeployment, type DeploymentDoc } from './endpointDocuments';
import { saveDeploymentDoc } from './deploymentWrites';
import { assertDeploymentName, deleteDoc, getSnapshot, updateEndpointDoc } from './endpointStore';

function deploymentNotFound(endpoint: string, deployment: string): SibylError {
  return new SibylError('DeploymentNotFound', `Endpoint '${endpoint}' has no deployment '${deployment}'.`);
}

export async function putDeployment(endpoint: string, name: string, spec: DeploymentSpec, options: { ifMatch?: string } = {}): Promise<{ deployment: Deployment; created: boolean; etag: string }> {
  assertDeploymentName(name);
  const snapshot = await getSnapshot(endpoint, { fresh: true });
  const existing = snapshot.deployments.find((d) => d.name === name);
  const ref = parseModelReference(spec.model);
  const version = await resolveModel(ref);
  const environment = await resolveEnvironment(spec.environment ?? DEFAULT_ENVIRONMENT);
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
    instance: spec.instance ?? {},
    batching: spec.batching ?? {},
    requestTimeoutMs: spec.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
    provisioningState: 'Succeeded',
    endpointCreatedAt: snapshot.endpoint.createdAt,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  const { minInstances, maxInstances } = doc.instance;
  if (minInstances !== undefined && maxInstances !== undefined && minInstances > maxInstances) {
    throw new SibylError('InvalidInput', `instance.minInstances (${minInstances}) is larger than instance.maxInstances (${maxInstances}).`);
  }
  try {
    await prepareDeployment(doc);
  } catch (error) {
    if (error instanceof SibylError && error.status < 500) {
      throw new SibylError(error.code, `Deployment '${name}' cannot serve model ${doc.modelName}:${doc.modelVersion}: ${error.message}`);
    }
    throw error;
  }
  const saved = await saveDeploymentDoc(doc, options);
  return { deployment: toDeployment(saved.doc), created: saved.created, etag: saved.etag };
}

export async function getDeployment(endpoint: string, name: string): Promise<Deployment> {
  const snapshot = await getSnapshot(endpoint, { fresh: true });
  const doc = snapshot.deployments.find((d) => d.name === name);
  if (!doc) throw deploymentNotFound(endpoint, name);
  return toDeployment(doc);
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
    throw new SibylError('Conflict', `Deployment '${name}' gets ${live}% of endpoint '${endpoint}' traffic; move its traffic to other deployments first.`);
  }
  const mirrored = snapshot.endpoint.mirrorTraffic[name] ?? 0;
  if (mirrored > 0) {
    throw new SibylError('Conflict', `Deployment '${name}' gets ${mirrored}% of endpoint '${endpoint}' mirror traffic; set its mirror traffic to 0 first.`);
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
