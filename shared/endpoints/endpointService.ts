/**
 * Endpoints: create/update (auth mode, traffic, mirror), read, delete, keys and tokens.
 *
 * @example
 *   const { endpoint, created } = await putEndpoint('iris', { authMode: 'key' }, baseUrl);
 */
import { randomUUID } from 'node:crypto';
import type { Endpoint, EndpointSpec } from '../api/schemas';
import { SibylError } from '../errors';
import { authenticateTokenRequest, describePrincipal } from './auth/authenticateRequest';
import {
  generateEndpointKeys,
  regenerateKey,
  revealKeys,
  type EndpointKeyValues,
  type KeyType,
} from './auth/endpointKeys';
import { issueToken, type EndpointToken } from './auth/endpointTokens';
import { releaseDeployment } from './deploymentRuntime';
import { authInfoOf, ENDPOINT_DOC_ID, generationOf, toEndpoint, type EndpointDoc } from './endpointDocuments';
import {
  authModeProblem,
  authValidators,
  isControlPlaneKey,
  keyEncryptionKey,
  tokenSigningKey,
} from './endpointSecrets';
import {
  assertEndpointName,
  deleteDoc,
  endpointNotFound,
  getSnapshot,
  listSnapshots,
  partitionDeploymentIds,
  readEndpointDoc,
  readSnapshot,
  updateEndpointDoc,
} from './endpointStore';
import { checkTraffic } from './trafficPolicy';
import { etagOf } from '../storage/updateWithEtag';

/** The `aad` allow lists of `spec` (400 when set on another auth mode), or the current ones when not given. */
function allowLists(
  name: string,
  spec: EndpointSpec,
  current: EndpointDoc | undefined,
): Pick<EndpointDoc, 'allowedPrincipals' | 'allowedRoles'> {
  const principals = spec.allowedPrincipals ?? (current?.authMode === 'aad' ? current.allowedPrincipals : undefined);
  const roles = spec.allowedRoles ?? (current?.authMode === 'aad' ? current.allowedRoles : undefined);
  if (spec.authMode !== 'aad') {
    if (spec.allowedPrincipals?.length || spec.allowedRoles?.length) {
      throw new SibylError(
        'InvalidInput',
        `allowedPrincipals and allowedRoles apply to authMode 'aad' only; endpoint '${name}' uses '${spec.authMode}'.`,
      );
    }
    return {};
  }
  return {
    ...(principals?.length ? { allowedPrincipals: principals } : {}),
    ...(roles?.length ? { allowedRoles: roles } : {}),
  };
}

/**
 * Creates or updates an endpoint. `ifMatch` (the request's `If-Match`) makes the update conditional
 * on the version the client read (412 otherwise). A change of auth mode starts a new generation, so
 * tokens issued before it stop working.
 */
export async function putEndpoint(
  name: string,
  spec: EndpointSpec,
  baseUrl: string,
  options: { ifMatch?: string } = {},
): Promise<{ endpoint: Endpoint; created: boolean; etag: string }> {
  assertEndpointName(name);
  // An endpoint whose auth mode this host cannot check could never be called: refuse it now.
  const problem = authModeProblem(spec.authMode);
  if (problem)
    throw new SibylError('InvalidInput', `authMode '${spec.authMode}' is not available on this Sibyl: ${problem}`);
  const snapshot = await readSnapshot(name);
  // Deployments left by a delete that raced a deployment write must not come back with a new endpoint.
  if (!snapshot) await sweepDeployments(name);
  const deployments = snapshot?.deployments ?? [];
  const result = await updateEndpointDoc(
    name,
    (current) => {
      const now = new Date().toISOString();
      const traffic = spec.traffic ?? current?.traffic ?? {};
      const mirror = spec.mirrorTraffic ?? current?.mirrorTraffic ?? {};
      checkTraffic(traffic, mirror, current ? deployments.map((d) => d.name) : []);
      const allowed = allowLists(name, spec, current);
      if (!current) {
        const { stored } = generateEndpointKeys(name, keyEncryptionKey());
        return {
          id: ENDPOINT_DOC_ID,
          type: 'endpoint',
          endpoint: name,
          authMode: spec.authMode,
          description: spec.description ?? '',
          traffic,
          mirrorTraffic: mirror,
          keys: stored,
          generation: randomUUID(),
          ...allowed,
          createdAt: now,
          updatedAt: now,
        };
      }
      const { allowedPrincipals: _p, allowedRoles: _r, ...rest } = current;
      const generation = current.authMode === spec.authMode ? current.generation : randomUUID();
      return {
        ...rest,
        authMode: spec.authMode,
        description: spec.description ?? current.description,
        traffic,
        mirrorTraffic: mirror,
        ...(generation ? { generation } : {}),
        ...allowed,
        updatedAt: now,
      };
    },
    options,
  );
  const { doc, etag, created } = result!;
  return { endpoint: toEndpoint({ endpoint: doc, deployments: created ? [] : deployments }, baseUrl), created, etag };
}

/** Deletes every deployment document in the endpoint's partition. */
async function sweepDeployments(name: string): Promise<void> {
  for (const id of await partitionDeploymentIds(name)) await deleteDoc(name, id);
}

/** The endpoint and the ETag of its document (for `If-Match` on a later PUT). */
export async function getEndpoint(
  name: string,
  baseUrl: string,
): Promise<{ endpoint: Endpoint; etag: string | undefined }> {
  const snapshot = await getSnapshot(name, { fresh: true });
  return { endpoint: toEndpoint(snapshot, baseUrl), etag: etagOf(snapshot.endpoint) };
}

export async function listEndpoints(baseUrl: string): Promise<Endpoint[]> {
  return (await listSnapshots()).map((s) => toEndpoint(s, baseUrl));
}

/**
 * Deletes the endpoint document first, so no deployment can be added once the sweep of its
 * deployments starts (a deployment write that loses this race removes itself, see `deploymentWrites.ts`).
 */
export async function deleteEndpoint(name: string): Promise<void> {
  const snapshot = await getSnapshot(name, { fresh: true });
  await deleteDoc(name, ENDPOINT_DOC_ID);
  await sweepDeployments(name);
  for (const d of snapshot.deployments) await releaseDeployment(name, d.name);
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

/**
 * Replaces one key; the old value stops working at once (on this instance; within seconds elsewhere),
 * and so do tokens issued before (a new generation).
 */
export async function regenerateEndpointKey(name: string, keyType: KeyType): Promise<EndpointKeyValues> {
  assertEndpointName(name);
  const result = await updateEndpointDoc(
    name,
    (doc) =>
      doc && {
        ...doc,
        keys: regenerateKey(doc.keys, keyType, name, keyEncryptionKey()).stored,
        generation: randomUUID(),
        updatedAt: new Date().toISOString(),
      },
  );
  if (!result) throw endpointNotFound(name);
  return revealKeys(result.doc.keys, name, keyEncryptionKey());
}

/**
 * Issues a data-plane token. The caller proves itself with the control-plane key or a data-plane
 * credential of this endpoint.
 */
export async function issueEndpointToken(
  name: string,
  authorization: string | null,
  functionKey: string | null,
): Promise<EndpointToken> {
  const { endpoint } = await getSnapshot(name);
  let subject = 'control-plane';
  let notAfter: Date | undefined;
  if (!isControlPlaneKey(functionKey)) {
    const principal = await authenticateTokenRequest(authInfoOf(endpoint), authorization, authValidators());
    subject = describePrincipal(principal);
    // A token obtained with a token never outlives it: a refresh chain ends when the first token does.
    if (principal.kind === 'token') notAfter = principal.expiresAt;
  } else if (endpoint.authMode === 'aad') {
    throw new SibylError(
      'InvalidInput',
      `Endpoint '${name}' uses authMode 'aad': get an access token from Microsoft Entra ID instead of from Sibyl.`,
    );
  }
  return issueToken(name, tokenSigningKey(), new Date(), { subject, generation: generationOf(endpoint), notAfter });
}
