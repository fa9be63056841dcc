/** Liveness and readiness (anonymous): the Open Inference Protocol health routes. */
import { checkReadiness } from '../shared/health/readiness';
import { registerRoute } from './http/registerRoute';

registerRoute('healthLive', () => Promise.resolve({ status: 200, jsonBody: { live: true } }));

registerRoute('healthReady', async () => {
  const readiness = await checkReadiness();
  return { status: readiness.ready ? 200 : 503, jsonBody: readiness };
});
