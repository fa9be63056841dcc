/** The OpenAPI document itself and the monitoring dashboard (all anonymous: none reads stored resources). */
import { Type } from '@sinclair/typebox';
import { errors, type HeaderSpec, type ResponseSpec, type RouteSpec } from '../routeSpec';

/** A file of the built dashboard: one path segment, as `vite build` names them (`index-3f9a1c2b.js`). */
const DashboardAssetParams = Type.Object({
  path: Type.String({
    pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$',
    description: "A file name in the dashboard's `assets/` folder, e.g. `index-3f9a1c2b.js`.",
  }),
});

/** The dashboard's files are revalidated by their `ETag` (a hash of the content). */
const IF_NONE_MATCH: Readonly<Record<string, HeaderSpec>> = {
  'if-none-match': { description: 'The `ETag` of the copy the client holds: 304 while the file is unchanged.' },
};
const FILE_ETAG: Readonly<Record<string, HeaderSpec>> = { ETag: { description: "A hash of the file's content." } };
const NOT_MODIFIED: ResponseSpec = {
  description: 'Unchanged since the `ETag` in `If-None-Match`.',
  headers: FILE_ETAG,
};

export const SERVICE_ROUTES = [
  {
    operationId: 'getOpenApiDocument',
    method: 'GET',
    path: '/api/openapi.json',
    summary: 'This OpenAPI 3.1 document',
    tags: ['service'],
    security: [],
    responses: {
      200: {
        description: 'The OpenAPI document.',
        schema: Type.Object({ openapi: Type.String() }, { additionalProperties: true }),
      },
    },
  },
  {
    operationId: 'dashboard',
    method: 'GET',
    path: '/',
    // An empty route would be served at `/dashboard` in Azure (the host uses the function's name), and
    // the host's default page would answer `/`. An optional parameter matches `/` under both hosts.
    template: '{page?}',
    summary: 'The monitoring dashboard',
    tags: ['service'],
    security: [],
    headers: IF_NONE_MATCH,
    responses: {
      200: { description: 'The dashboard page.', contentType: 'text/html', schema: Type.String(), headers: FILE_ETAG },
      304: NOT_MODIFIED,
      503: {
        description: 'The dashboard has not been built; the text says how to build it.',
        contentType: 'text/plain',
        schema: Type.String(),
      },
    },
  },
  {
    operationId: 'dashboardAsset',
    method: 'GET',
    path: '/assets/{path}',
    summary: 'A script, style sheet or image of the dashboard',
    description:
      'Content-hashed file names are cached for a year (`immutable`); the page itself (`/`) is revalidated on every load.',
    tags: ['service'],
    security: [],
    params: DashboardAssetParams,
    headers: IF_NONE_MATCH,
    responses: {
      200: {
        description: 'The file, with its content type.',
        contentType: 'application/octet-stream',
        schema: Type.String({ format: 'binary' }),
        headers: FILE_ETAG,
      },
      304: NOT_MODIFIED,
      ...errors('sibyl', 404),
    },
  },
] as const satisfies readonly RouteSpec[];
