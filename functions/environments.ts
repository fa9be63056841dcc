/** Environment routes: `api/environments…` (control plane). */
import { parseParams } from '../shared/api/validate';
import { EnvironmentParams, EnvironmentSpec } from '../shared/api/schemas';
import { listEnvironments, putEnvironment } from '../shared/registry/environments';
import { registerRoute } from './http/registerRoute';
import { readBody } from './http/requestBody';

registerRoute('listEnvironments', async () => ({ jsonBody: { value: await listEnvironments() } }));

registerRoute('createEnvironmentVersion', async (request) => {
  const { name } = parseParams(EnvironmentParams, request.params);
  const spec = await readBody(request, EnvironmentSpec, 'environment');
  const environment = await putEnvironment(name, spec);
  return { status: 201, jsonBody: environment };
});
