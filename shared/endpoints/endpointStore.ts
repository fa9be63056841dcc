/**
 * Reads and writes endpoint and deployment documents. Scoring reads endpoints through a short-lived
 * in-memory snapshot so a request costs no Cosmos round trip; every write through this module
 * drops the snapshot at once (other instances see changes within `SNAPSHOT_TTL_MS`).
 */
import { SibylError } from '../errors';
import { assertName } from '../registry/modelReference';
import { isNotFound } from '../storage/cosmosErrors';
import { getContainer } from '../storage/cosmosDatabase';
import { ENDPOINT_DOC_ID, type DeploymentDoc, type EndpointDoc, type EndpointSnapshot } from './endpointDocuments';

const SNAPSHOT_TTL_MS = 2000;

const endpoints = () => getContainer('endpoints');
const cache = new Map<string, { snapshot: EndpointSnapshot; expires: number }>();

/** Endpoint names: 3–32 characters, letters, digits and '-', starting with a letter (Azure ML's rule). */
export const ENDPOINT_NAME = /^[A-Za-z][A-Za-z0-9-]{1,30}[A-Za-z0-9]$/;
export const DEPLOYMENT_NAME = /^[A-Za-z][A-Za-z0-9-]{1,30}[A-Za-z0-9]$/;

export function assertEndpointName(name: string): void {
  if (!ENDPOINT_NAME.test(name)) {
    throw new SibylError('InvalidInput', `Endpoint name '${name.slice(0, 100)}' is invalid: 3–32 letters, digits or '-', starting with a letter and not ending with '-'.`);
  }
}

export function assertDeploymentName(name: string): void {
  if (!DEPLOYMENT_NAME.test(name)) {
    throw new SibylError('InvalidInput', `Deployment name '${name.slice(0, 100)}' is invalid: 3–32 letters, digits or '-', starting with a letter and not ending with '-'.`);
  }
}

export function endpointNotFound(name: string): SibylError {
  return new SibylError('EndpointNotFound', `Endpoint '${name}' does not exist. Create it with PUT api/endpoints/${name}.`);
}

export function invalidate(name: string): void {
  cache.delete(name);
}

/** Reads an endpoint and its deployments from Cosmos (one partition query); undefined when absent. */
export async function readSnapshot(name: string): Promise<EndpointSnapshot | undefined> {
  // The filter repeats the partition key: the local Cosmos server ignores a query's partitionKey option.
  const { resources } = await endpoints()
    .items.query<EndpointDoc | DeploymentDoc>({ query: 'SELECT * FROM c WHERE c.endpoint = @name', parameters: [{ name: '@name', value: name }] }, { partitionKey: name })
    .fetchAll();
  const endpoint = resources.find((d): d is EndpointDoc => d.type === 'endpoint');
  if (!endpoint) return undefined;
  const deployments = resources.filter((d): d is DeploymentDoc => d.type === 'deployment').sort((a, b) => a.name.localeCompare(b.name));
  return { endpoint, deployments };
}

/** The endpoint for scoring: from the snapshot cache when fresh. Throws EndpointNotFound. */
export async function getSnapshot(name: string, { fresh = false } = {}): Promise<EndpointSnapshot> {
  const cached = cache.get(name);
  if (!fresh && cached && cached.expires > Date.now()) return cached.snapshot;
  assertEndpointName(name);
  const snapshot = await readSnapshot(name);
  if (!snapshot) {
    cache.delete(name);
    throw endpointNotFound(name);
  }
  cache.set(name, { snapshot, expires: Date.now() + SNAPSHOT_TTL_MS });
  return snapshot;
}

export async function listSnapshots(): Promise<EndpointSnapshot[]> {
  const { resources } = await endpoints()
    .items.query<EndpointDoc | DeploymentDoc>('SELECT * FROM c')
    .fetchAll();
  const byName = new Map<string, EndpointSnapshot>();
  for (const doc of resources) if (doc.type === 'endpoint') byName.set(doc.endpoint, { endpoint: doc, deployments: [] });
  for (const doc of resources) if (doc.type === 'deployment') byName.get(doc.endpoint)?.deployments.push(doc);
  return [...byName.values()].sort((a, b) => a.endpoint.endpoint.localeCompare(b.endpoint.endpoint));
}

export async function readEndpointDoc(name: string): Promise<{ doc: EndpointDoc; etag: string } | undefined> {
  try {
    const { resource, etag } = await endpoints().item(ENDPOINT_DOC_ID, name).read<EndpointDoc>();
    return resource ? { doc: resource, etag: etag } : undefined;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export async function createEndpointDoc(doc: EndpointDoc): Promise<void> {
  await endpoints().items.create(doc);
  invalidate(doc.endpoint);
}

/** Replaces the endpoint document if it has not changed since `etag` (412 otherwise). */
export async function replaceEndpointDoc(doc: EndpointDoc, etag: string): Promise<void> {
  await endpoints().item(ENDPOINT_DOC_ID, doc.endpoint).replace(doc, { accessCondition: { type: 'IfMatch', condition: etag } });
  invalidate(doc.endpoint);
}

export async function upsertDeploymentDoc(doc: DeploymentDoc): Promise<void> {
  await endpoints().items.upsert(doc);
  invalidate(doc.endpoint);
}

export async function deleteDoc(endpoint: string, id: string): Promise<void> {
  try {
    await endpoints().item(id, endpoint).delete();
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  invalidate(endpoint);
}

/** Deployments (`endpoint/deployment`) that serve `name:version`, across endpoints. */
export async function deploymentsUsingModel(name: string, version: number): Promise<string[]> {
  assertName('Model', name);
  const { resources } = await endpoints()
    .items.query<{ endpoint: string; name: string }>({
      query: "SELECT c.endpoint, c.name FROM c WHERE c.type = 'deployment' AND c.modelName = @n AND c.modelVersion = @v",
      parameters: [
        { name: '@n', value: name },
        { name: '@v', value: version },
      ],
    })
    .fetchAll();
  return resources.map((r) => `${r.endpoint}/${r.name}`);
}
