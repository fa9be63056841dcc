/**
 * Reads and writes endpoint and deployment documents. Scoring reads endpoints through a short-lived
 * in-memory snapshot so a request costs no Cosmos round trip; every write through this module
 * drops the snapshot at once (other instances see changes within `SNAPSHOT_TTL_MS`).
 */
import { SibylError } from '../errors';
import { assertName } from '../registry/modelReference';
import { isNotFound } from '../storage/cosmosErrors';
import { deleteItem } from '../storage/deleteItem';
import { getContainer } from '../storage/cosmosDatabase';
import { updateWithEtag, type EtagOptions, type EtagResult } from '../storage/updateWithEtag';
import {
  deploymentDocId,
  ENDPOINT_DOC_ID,
  type DeploymentDoc,
  type EndpointDoc,
  type EndpointSnapshot,
} from './endpointDocuments';

const SNAPSHOT_TTL_MS = 2000;
/**
 * How long "no such endpoint" is remembered: anonymous probing with random names must not cost a
 * Cosmos query each. Writes on this instance forget it at once; other instances see a new endpoint
 * within this time.
 */
export const NEGATIVE_TTL_MS = 2000;
/** Names remembered as absent, at most (the oldest are forgotten first): probes cannot grow memory without bound. */
export const MAX_NEGATIVE_ENTRIES = 10_000;

const endpoints = () => getContainer('endpoints');
const cache = new Map<string, { snapshot: EndpointSnapshot; expires: number }>();
/** Names found absent, with when that answer expires (insertion order is age order). */
const absent = new Map<string, number>();

function rememberAbsent(name: string): void {
  absent.delete(name);
  absent.set(name, Date.now() + NEGATIVE_TTL_MS);
  while (absent.size > MAX_NEGATIVE_ENTRIES) absent.delete(absent.keys().next().value!);
}

function knownAbsent(name: string): boolean {
  const until = absent.get(name);
  if (until === undefined) return false;
  if (until > Date.now()) return true;
  absent.delete(name);
  return false;
}

/** Endpoint names: 3–32 characters, letters, digits and '-', starting with a letter (Azure ML's rule). */
export const ENDPOINT_NAME = /^[A-Za-z][A-Za-z0-9-]{1,30}[A-Za-z0-9]$/;
export const DEPLOYMENT_NAME = /^[A-Za-z][A-Za-z0-9-]{1,30}[A-Za-z0-9]$/;

export function assertEndpointName(name: string): void {
  if (!ENDPOINT_NAME.test(name)) {
    throw new SibylError(
      'InvalidInput',
      `Endpoint name '${name.slice(0, 100)}' is invalid: 3–32 letters, digits or '-', starting with a letter and not ending with '-'.`,
    );
  }
}

export function assertDeploymentName(name: string): void {
  if (!DEPLOYMENT_NAME.test(name)) {
    throw new SibylError(
      'InvalidInput',
      `Deployment name '${name.slice(0, 100)}' is invalid: 3–32 letters, digits or '-', starting with a letter and not ending with '-'.`,
    );
  }
}

export function endpointNotFound(name: string): SibylError {
  return new SibylError(
    'EndpointNotFound',
    `Endpoint '${name}' does not exist. Create it with PUT api/endpoints/${name}.`,
  );
}

export function invalidate(name: string): void {
  cache.delete(name);
  absent.delete(name);
}

/** Reads an endpoint and its deployments from Cosmos (one partition query); undefined when absent. */
export async function readSnapshot(name: string): Promise<EndpointSnapshot | undefined> {
  // The filter repeats the partition key: the local Cosmos server ignores a query's partitionKey option.
  const { resources } = await endpoints()
    .items.query<EndpointDoc | DeploymentDoc>(
      { query: 'SELECT * FROM c WHERE c.endpoint = @name', parameters: [{ name: '@name', value: name }] },
      { partitionKey: name },
    )
    .fetchAll();
  const endpoint = resources.find((d): d is EndpointDoc => d.type === 'endpoint');
  if (!endpoint) return undefined;
  const deployments = resources
    .filter(
      (d): d is DeploymentDoc =>
        d.type === 'deployment' && (d.endpointCreatedAt === undefined || d.endpointCreatedAt === endpoint.createdAt),
    )
    .sort((a, b) => a.name.localeCompare(b.name));
  return { endpoint, deployments };
}

/** The cached snapshot of `name` while fresh, without a wait (the score path's common case); else undefined. */
export function cachedSnapshot(name: string): EndpointSnapshot | undefined {
  const cached = cache.get(name);
  return cached && cached.expires > Date.now() ? cached.snapshot : undefined;
}

/** The endpoint for scoring: from the snapshot cache when fresh. Throws EndpointNotFound. */
export async function getSnapshot(name: string, { fresh = false } = {}): Promise<EndpointSnapshot> {
  const cached = cache.get(name);
  if (!fresh && cached && cached.expires > Date.now()) return cached.snapshot;
  assertEndpointName(name);
  if (!fresh && knownAbsent(name)) throw endpointNotFound(name);
  const snapshot = await readSnapshot(name);
  if (!snapshot) {
    cache.delete(name);
    rememberAbsent(name);
    throw endpointNotFound(name);
  }
  cache.set(name, { snapshot, expires: Date.now() + SNAPSHOT_TTL_MS });
  return snapshot;
}

export async function listSnapshots(): Promise<EndpointSnapshot[]> {
  const { resources } = await endpoints().items.query<EndpointDoc | DeploymentDoc>('SELECT * FROM c').fetchAll();
  const byName = new Map<string, EndpointSnapshot>();
  for (const doc of resources)
    if (doc.type === 'endpoint') byName.set(doc.endpoint, { endpoint: doc, deployments: [] });
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

/** Read-modify-write of the endpoint document (`updateWithEtag`); drops the cached snapshot. */
export async function updateEndpointDoc(
  name: string,
  change: (current: EndpointDoc | undefined) => EndpointDoc | undefined,
  options: EtagOptions = {},
): Promise<EtagResult<EndpointDoc> | undefined> {
  try {
    return await updateWithEtag<EndpointDoc>(endpoints(), ENDPOINT_DOC_ID, name, change, {
      what: `Endpoint '${name}'`,
      ...options,
    });
  } finally {
    invalidate(name);
  }
}

/** Read-modify-write of a deployment document (`updateWithEtag`); drops the cached snapshot. */
export async function updateDeploymentDoc(
  endpoint: string,
  deployment: string,
  change: (current: DeploymentDoc | undefined) => DeploymentDoc | undefined,
  options: EtagOptions = {},
): Promise<EtagResult<DeploymentDoc> | undefined> {
  try {
    return await updateWithEtag<DeploymentDoc>(endpoints(), deploymentDocId(deployment), endpoint, change, {
      what: `Deployment '${endpoint}/${deployment}'`,
      ...options,
    });
  } finally {
    invalidate(endpoint);
  }
}

/** Ids of every document in the endpoint's partition other than the endpoint's own: its deployments. */
export async function partitionDeploymentIds(name: string): Promise<string[]> {
  const { resources } = await endpoints()
    .items.query<{ id: string }>(
      {
        query: "SELECT c.id FROM c WHERE c.endpoint = @name AND c.type = 'deployment'",
        parameters: [{ name: '@name', value: name }],
      },
      { partitionKey: name },
    )
    .fetchAll();
  return resources.map((r) => r.id);
}

export async function deleteDoc(endpoint: string, id: string): Promise<void> {
  await deleteItem(endpoints(), id, endpoint);
  invalidate(endpoint);
}

/** Deployments (`endpoint/deployment`) that serve `name:version`, across endpoints. */
export async function deploymentsUsingModel(name: string, version: number): Promise<string[]> {
  assertName('Model', name);
  const { resources } = await endpoints()
    .items.query<{ endpoint: string; name: string }>({
      query:
        "SELECT c.endpoint, c.name FROM c WHERE c.type = 'deployment' AND c.modelName = @n AND c.modelVersion = @v",
      parameters: [
        { name: '@n', value: name },
        { name: '@v', value: version },
      ],
    })
    .fetchAll();
  return resources.map((r) => `${r.endpoint}/${r.name}`);
}
