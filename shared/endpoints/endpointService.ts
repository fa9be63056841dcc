/**
 * Endpoints: create/update (auth mode, traffic, mirror), read, delete, keys and tokens.
 *
 * @example
 *   const { endpoint, created } = await putEndpoint('iris', { authMode: 'key' }, baseUrl);
 */
import type { Endpoint, EndpointSpec } from '../api/schemas';
import { SibylError } from '../errors';
import { isConflict, isPreconditionFailed } from '../storage/cosmosErrors';
import { authenticateTokenRequest, describePrincipal } from './auth/authenticateRequest';
import { generateEndpointKeys, regenerateKey, revealKeys, type EndpointKeyValues, type KeyType } from './auth/endpointKeys';
import { issueToken, type EndpointToken } from './auth/endpointTokens';
import { releaseDeployment } from './deploymentRuntime';
import { ENDPOINT_DOC_ID, toEndpoint, type EndpointDoc } from './endpointDocuments';
import { authModeProblem, authValidators, isControlPlaneKey, keyEncryptionKey, tokenSigningKey } from './endpointSecrets';
import { assertEndpointName, createEndpointDoc, deleteDoc, endpointNotFound, getSnapshot, listSnapshots, readEndpointDoc, readSnapshot, replaceEndpointDoc } from './endpointStore';
import { checkTraffic } from './trafficPolicy';

export async function putEndpoint(name: string, spec: EndpointSpec, baseUrl: string): Promise<{ endpoint: Endpoint; created: boolean }> {
  assertEndpointName(name);
  // An endpoint whose auth mode this host cannot check could never be called: refuse it now.
  const problem = authModeProblem(spec.authMode);
  if (problem) throw new SibylError('InvalidInput', `authMode '${spec.authMode}' is not available on this Sibyl: ${problem}`);
  for (let attempt = 0; attempt < 10; attempt++) {
    const snapshot = await readSnapshot(name);
    const now = new Date().toISOString();
    const traffic = spec.traffic ?? snapshot?.endpoint.traffic ?? {};
    const mirror = spec.mirrorTraffic ?? snapshot?.endpoint.mirrorTraffic ?? {};
    checkTraffic(traffic, mirror, snapshot?.deployments.map((d) => d.name) ?? []);
    try {
      if (!snapshot) {
        const doc: EndpointDoc = {
          id: ENDPOINT_DOC_ID,
          type: 'endpoint',
          endpoint: name,
          authMode: spec.authMode,
          description: spec.description ?? '',
          traffic,
          mirrorTraffic: mirror,
          keys: generateEndpointKeys(name, keyEncryptionKey()).stored,
          createdAt: now,
          updatedAt: now,
        };
        await createEndpointDoc(doc);
        return { endpoint: toEndpoint({ endpoint: doc, deployments: [] }, baseUrl), created: true };
      }
      const current = await readEndpointDoc(name);
      if (!current) continue;
      const doc: EndpointDoc = { ...current.doc, authMode: spec.authMode, description: spec.description ?? current.doc.description, traffic, mirrorTraffic: mirror, updatedAt: now };
      await replaceEndpointDoc(doc, current.etag);
      return { endpoint: toEndpoint({ endpoint: doc, deployments: snapshot.deployments }, baseUrl), created: false };
    } catch (error) {
      if (isConflict(error) || isPreconditionFailed(error)) continue;
      throw error;
    }
  }
  throw new SibylError('Conflict', `Endpoint '${name}' is being changed concurrently; try again.`);
}

export async function getEndpoint(name: string, baseUrl: string): Promise<Endpoint> {
  return toEndpoint(await getSnapshot(name, { fresh: true }), baseUrl);
}

export async function listEndpoints(baseUrl: string): Promise<Endpoint[]> {
  return (await listSnapshots()).map((s) => toEndpoint(s, baseUrl));
}

export async function deleteEndpoint(name: string): Promise<void> {
  const snapshot = await getSnapshot(name, { fresh: true });
  for (const d of snapshot.deployments) {
    await deleteDoc(name, d.id);
    await releaseDeployment(name, d.name);
  }
  await deleteDoc(name, ENDPOINT_DOC_ID);
}

async function endpointDoc(name: string): Promise<{ doc: EndpointDoc; etag: string }> {
  assertEndpointName(name);
  const found = await readEndpointDoc(name);
  if (!found) throw endpointNotFound(name);
  return found;
}

export async function getEndpointKeys(name: string): Promise<EndpointKeyValues> {
  const { doc } = await endpointDoc(name);
  return revealKeys(doc.keys, name, keyEncryptionKey());
}

/** Replaces one key; the old value stops working at once (on this instance; within seconds elsewhere). */
export async function regenerateEndpointKey(name: string, keyType: KeyType): Promise<EndpointKeyValues> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const { doc, etag } = await endpointDoc(name);
    const { stored } = regenerateKey(doc.keys, keyType, name, keyEncryptionKey());
    try {
      await replaceEndpointDoc({ ...doc, keys: stored, updatedAt: new Date().toISOString() }, etag);
      return revealKeys(stored, name, keyEncryptionKey());
    } catch (error) {
      if (!isPreconditionFailed(error)) throw error;
    }
  }
  throw new SibylError('Conflict', `Endpoint '${name}' is being changed concurrently; try again.`);
}

/**
 * Issues a data-plane token. The caller proves itself with the control-plane key or a data-plane
 * credential of this endpoint.
 */
export async function issueEndpointToken(name: string, authorization: string | null, functionKey: string | null): Promise<EndpointToken> {
  const { endpoint } = await getSnapshot(name);
  let subject = 'control-plane';
  if (!isControlPlaneKey(functionKey)) {
    const principal = await authenticateTokenRequest({ name, authMode: endpoint.authMode, keys: endpoint.keys }, authorization, authValidators());
    subject = describePrincipal(principal);
  } else if (endpoint.authMode === 'aad') {
    throw new SibylError('InvalidInput', `Endpoint '${name}' uses authMode 'aad': get an access token from Microsoft Entra ID instead of from Sibyl.`);
  }
  return issueToken(name, tokenSigningKey(), new Date(), { subject });
}
