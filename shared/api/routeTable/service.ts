/** The OpenAPI document itself and the monitoring dashboard (both anonymous: neither reads stored resources). */
import { Type } from '@sinclair/typebox';
import type { RouteSpec } from '../routeSpec';

export const SERVICE_ROUTES: readonly RouteSpec[] = [
  {
    operationId: 'getOpenApiDocument',
    method: 'GET',
    path: '/api/openapi.json',
    summary: 'This OpenAPI 3.1 document',
    tags: ['service'],
    security: [],
    responses: { 200: { description: 'The OpenAPI document.', schema: Type.Object({ openapi: Type.String() }, { additionalProperties: true }) } },
  },
  {
    operationId: 'dashboard',
    method: 'GET',
    path: '/',
    summary: 'The monitoring dashboard',
    tags: ['service'],
    security: [],
    responses: { 200: { description: 'The dashboard page.', contentType: 'text/html', schema: Type.String() } },
  },
];
