/**
 * Cosmos documents of endpoints and deployments (container `endpoints`, partition key `/endpoint`)
 * and the API shapes made from them. Changing a field changes stored data and the public API.
 */
import type {
  BatchingSettings,
  CodeConfiguration,
  DataCollection,
  Deployment,
  Endpoint,
  InstanceSettings,
} from '../api/schemas';
import type { StoredEndpointKeys } from './auth/endpointKeys';
import type { AuthMode, EndpointAuthInfo } from './auth/authenticateRequest';

export const ENDPOINT_DOC_ID = 'endpoint';
export const deploymentDocId = (deployment: string): string => `deployment:${deployment}`;

export interface EndpointDoc {
  id: typeof ENDPOINT_DOC_ID;
  type: 'endpoint';
  endpoint: string;
  authMode: AuthMode;
  description: string;
  traffic: Record<string, number>;
  mirrorTraffic: Record<string, number>;
  keys: StoredEndpointKeys;
  /**
   * Random id that changes when the endpoint is re-created, a key is regenerated or the auth mode
   * changes; tokens carry it and die with it. Absent on endpoints stored before it existed.
   */
  generation?: string;
  /** `aad` endpoints: the object ids allowed to call (empty: anyone with a valid token). */
  allowedPrincipals?: string[];
  /** `aad` endpoints: app roles that allow a call (empty: anyone with a valid token). */
  allowedRoles?: string[];
  createdAt: string;
  updatedAt: string;
}

/** The generation tokens are bound to; endpoints stored before `generation` existed fall back to their creation time. */
export function generationOf(doc: EndpointDoc): string {
  return doc.generation ?? `created:${doc.createdAt}`;
}

/** What data-plane authentication needs from the endpoint's document. */
export function authInfoOf(doc: EndpointDoc): EndpointAuthInfo {
  return {
    name: doc.endpoint,
    authMode: doc.authMode,
    keys: doc.keys,
    generation: generationOf(doc),
    allowedPrincipals: doc.allowedPrincipals,
    allowedRoles: doc.allowedRoles,
  };
}

export interface DeploymentDoc {
  id: string;
  type: 'deployment';
  endpoint: string;
  name: string;
  /** The reference as given (`iris@prod`). */
  model: string;
  /** What it resolved to when deployed. */
  modelName: string;
  modelVersion: number;
  environment: string;
  /** The code asset (`name:version`) and scoring script a user-code environment runs. */
  code?: CodeConfiguration;
  instance: InstanceSettings;
  batching: BatchingSettings;
  requestTimeoutMs: number;
  /** What is collected of each scored request (model monitoring). */
  dataCollection?: DataCollection;
  /**
   * `Creating` until a new deployment can serve (it takes no requests meanwhile), `Updating` while a PUT
   * replaces it, `Failed` (with `error`) when that update failed and the old version still serves.
   */
  provisioningState: 'Creating' | 'Succeeded' | 'Updating' | 'Failed';
  error?: string;
  /** `createdAt` of the endpoint it was written for: a leftover of a deleted endpoint never joins a new one. */
  endpointCreatedAt?: string;
  createdAt: string;
  updatedAt: string;
  /** What went less than well while loading (a failed warm-up inference); absent when nothing did. */
  warnings?: string[];
}

/** Deployments that take requests: all but those still being created. */
export function servingDeployments(snapshot: EndpointSnapshot): DeploymentDoc[] {
  return snapshot.deployments.filter((d) => d.provisioningState !== 'Creating');
}

/** An endpoint with its deployments, as read together from one partition. */
export interface EndpointSnapshot {
  endpoint: EndpointDoc;
  deployments: DeploymentDoc[];
}

export function toDeployment(doc: DeploymentDoc): Deployment {
  return {
    name: doc.name,
    endpoint: doc.endpoint,
    model: doc.model,
    resolvedModel: `${doc.modelName}:${doc.modelVersion}`,
    environment: doc.environment,
    ...(doc.code ? { code: doc.code } : {}),
    instance: doc.instance,
    batching: doc.batching,
    requestTimeoutMs: doc.requestTimeoutMs,
    ...(doc.dataCollection ? { dataCollection: doc.dataCollection } : {}),
    provisioningState: doc.provisioningState,
    ...(doc.error ? { error: doc.error } : {}),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
    ...(doc.warnings?.length ? { warnings: doc.warnings } : {}),
  };
}

export function toEndpoint(snapshot: EndpointSnapshot, baseUrl: string): Endpoint {
  const e = snapshot.endpoint;
  return {
    name: e.endpoint,
    authMode: e.authMode,
    description: e.description,
    traffic: e.traffic,
    mirrorTraffic: e.mirrorTraffic,
    ...(e.allowedPrincipals?.length ? { allowedPrincipals: e.allowedPrincipals } : {}),
    ...(e.allowedRoles?.length ? { allowedRoles: e.allowedRoles } : {}),
    scoringUri: `${baseUrl}/api/endpoints/${e.endpoint}/score`,
    openInferenceUri: `${baseUrl}/api/v2/models/${e.endpoint}`,
    deployments: snapshot.deployments.map(toDeployment),
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}
