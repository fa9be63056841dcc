/** Deployment routes: `api/endpoints/{name}/deployments/{deployment}` and its `/logs` (control plane). */
import { parseParams, parseQuery } from '../shared/api/validate';
import { DeploymentLogsQuery, DeploymentParams, DeploymentSpec } from '../shared/api/schemas';
import { getDeploymentLogs, logsAsText } from '../shared/endpoints/deploymentLogs';
import { deleteDeployment, getDeployment, putDeployment } from '../shared/endpoints/deploymentService';
import { etagAnswer, ifMatchOf } from './http/conditional';
import { registerRoute } from './http/registerRoute';
import { readBody } from './http/requestBody';

registerRoute('createOrUpdateDeployment', async (request, _context, call) => {
  const { name, deployment } = parseParams(DeploymentParams, request.params);
  const spec = await readBody(request, DeploymentSpec, 'deployment');
  const result = await putDeployment(name, deployment, spec, { ifMatch: ifMatchOf(request) });
  call.log.model = result.deployment.resolvedModel;
  return etagAnswer('deployment', result);
});

registerRoute('getDeployment', async (request) => {
  const { name, deployment } = parseParams(DeploymentParams, request.params);
  return etagAnswer('deployment', await getDeployment(name, deployment));
});

registerRoute('deleteDeployment', async (request) => {
  const { name, deployment } = parseParams(DeploymentParams, request.params);
  await deleteDeployment(name, deployment);
  return { status: 204 };
});

registerRoute('getDeploymentLogs', async (request) => {
  const { name, deployment } = parseParams(DeploymentParams, request.params);
  const { lines } = parseQuery(DeploymentLogsQuery, request.query);
  const logs = await getDeploymentLogs(name, deployment, lines);
  if (/\btext\/plain\b/.test(request.headers.get('accept') ?? ''))
    return { body: logsAsText(logs), headers: { 'content-type': 'text/plain; charset=utf-8' } };
  return { jsonBody: logs };
});
