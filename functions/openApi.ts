/** `GET api/openapi.json`: the OpenAPI 3.1 document, generated from the route table and schemas. */
import { openApiDocument } from '../shared/api/openApiDocument';
import { registerRoute } from './http/registerRoute';

registerRoute('getOpenApiDocument', () =>
  Promise.resolve({ jsonBody: openApiDocument(), headers: { 'cache-control': 'public, max-age=300' } }),
);
