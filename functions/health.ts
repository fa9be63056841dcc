/** Liveness and readiness (anonymous): the Open Inference Protocol health routes. */
import { app } from '@azure/functions';
import { checkReadiness } from '../shared/health/readiness';
import { httpHandler } from './http/httpHandler';

app.http('healthLive', {
  route: 'api/v2/health/live',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: httpHandler(() => Promise.resolve({ status: 200, jsonBody: { live: true } })),
});

app.http('healthReady', {
  route: 'api/v2/health/ready',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: httpHandler(async () => {
    const readiness = await checkReadiness();
    return { status: readiness.ready ? 200 : 503, jsonBody: readiness };
  }),
});
