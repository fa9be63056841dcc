/**
 * Writing a deployment document so that it never outlives its endpoint. The write is an ETag
 * compare-and-swap (conditional on the client's `If-Match` when it sent one); afterwards the endpoint
 * is read again, and when it was deleted (or deleted and re-created) meanwhile, the deployment removes
 * itself and answers 404. Together with `deleteEndpoint` deleting the endpoint document before its
 * deployments, a delete racing a deployment write leaves no orphan to reappear under a new endpoint.
 */
import { SibylError } from '../errors';
import type { EtagResult } from '../storage/updateWithEtag';
import { releaseDeployment } from './deploymentRuntime';
import type { DeploymentDoc } from './endpointDocuments';
import { deleteDoc, readEndpointDoc, updateDeploymentDoc } from './endpointStore';

/** Saves `doc` (keeping the stored `createdAt`); `doc.endpointCreatedAt` names the endpoint it belongs to. */
export async function saveDeploymentDoc(
  doc: DeploymentDoc,
  options: { ifMatch?: string } = {},
): Promise<EtagResult<DeploymentDoc>> {
  const saved = await updateDeploymentDoc(
    doc.endpoint,
    doc.name,
    (current) => ({ ...doc, createdAt: current?.createdAt ?? doc.createdAt }),
    options,
  );
  const endpoint = await readEndpointDoc(doc.endpoint);
  if (!endpoint || endpoint.doc.createdAt !== doc.endpointCreatedAt) {
    await deleteDoc(doc.endpoint, doc.id);
    await releaseDeployment(doc.endpoint, doc.name);
    throw new SibylError(
      'EndpointNotFound',
      `Endpoint '${doc.endpoint}' was deleted while deployment '${doc.name}' was being written; ` +
        `create the endpoint again, then the deployment.`,
    );
  }
  return saved!;
}
