/** Endpoint documents as another instance (or a bad write) would leave them in Cosmos, behind the app's back. */
import { ENDPOINT_DOC_ID } from '../../shared/endpoints/endpointDocuments';

/** A bare endpoint document: no deployments, no traffic, no keys; `authMode` as given, even one Sibyl refuses. */
export function bareEndpointDoc(name: string, authMode: string): Record<string, unknown> {
  const now = new Date().toISOString();
  return {
    id: ENDPOINT_DOC_ID,
    type: 'endpoint',
    endpoint: name,
    authMode,
    description: '',
    traffic: {},
    mirrorTraffic: {},
    keys: {},
    createdAt: now,
    updatedAt: now,
  };
}
