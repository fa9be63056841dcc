/** What the control-plane routes of the table have in common, stated once for the route files. */
import { Type, type TSchema } from '@sinclair/typebox';
import { errors, type HeaderSpec, type RequestSpec, type ResponseSpec, type RouteSpec } from '../routeSpec';

const key = ['functionKey'] as const;

/** A route as the table writes it: the operation id stays a literal, so the table types `OperationId` (routes.ts). */
export type TableRoute<Id extends string> = RouteSpec & { operationId: Id };

/**
 * `security` defaults to the Functions key alone; `errors` lists the error statuses documented besides 400;
 * `etag`: `read` when the route's success answers carry the resource's `ETag`, `write` when it also honours
 * `If-Match` (412 on another version).
 */
type ControlRouteSpec<Id extends string> = Omit<RouteSpec, 'security' | 'tags'> &
  Partial<Pick<RouteSpec, 'security'>> & { operationId: Id; errors?: readonly number[]; etag?: 'read' | 'write' };

const ETAG: Readonly<Record<string, HeaderSpec>> = {
  ETag: { description: "The resource's version: send it back as `If-Match` to update only this version." },
};
const IF_MATCH: Readonly<Record<string, HeaderSpec>> = {
  'if-match': {
    description: 'Write only if the resource is still at this `ETag` (`*`: any existing version); 412 otherwise.',
  },
};

/** `responses` with the `ETag` header on each success answer that has a body. */
function withEtag(responses: Readonly<Record<number, ResponseSpec>>): Record<number, ResponseSpec> {
  return Object.fromEntries(
    Object.entries(responses).map(([status, spec]) => [
      status,
      Number(status) < 300 && spec.schema ? { ...spec, headers: { ...spec.headers, ...ETAG } } : spec,
    ]),
  );
}

/**
 * A control-plane route of one tag: authorised by the Functions key (unless it says otherwise), documenting 400
 * when it takes input (path parameters, a query or a body) and the error statuses it lists, in Sibyl's shape,
 * and, with `etag`, the `ETag` of its answers (and `If-Match` with its 412).
 *
 * @example
 *   controlRoute('datastores', {
 *     operationId: 'getDatastore',
 *     method: 'GET',
 *     path: '/api/datastores/{name}',
 *     summary: 'Get a datastore',
 *     params: DatastoreParams,
 *     responses: { 200: { description: 'The datastore.', schema: Datastore } },
 *     errors: [404],
 *   })
 */
export function controlRoute<const Id extends string>(tag: string, spec: ControlRouteSpec<Id>): TableRoute<Id> {
  const { errors: statuses = [], etag, ...route } = spec;
  const invalid = (route.params ?? route.query ?? route.request) ? [400] : [];
  const stale = etag === 'write' ? [412] : [];
  return {
    security: key,
    ...route,
    ...(etag === 'write' ? { headers: { ...route.headers, ...IF_MATCH } } : {}),
    tags: [tag],
    responses: {
      ...errors('sibyl', ...invalid, ...statuses, ...stale),
      ...(etag ? withEtag(route.responses) : route.responses),
    },
  };
}

/** A JSON request body checked against `schema` by `parseBody`. */
export function jsonBody(schema: TSchema, options: Pick<RequestSpec, 'required'> = {}): RequestSpec {
  return { schema, validatedBy: 'schema', ...options };
}

/** A body taken as raw bytes (a file or an archive); the handler reads and checks it itself. */
export function rawBody(description: string): RequestSpec {
  return {
    schema: Type.String({ contentMediaType: 'application/octet-stream', description }),
    contentType: 'application/octet-stream',
    validatedBy: 'none',
  };
}

/** The answers of a create-or-update `PUT`: 200 when it replaced the resource, 201 when it created it. */
export function upserted(schema: TSchema, updated = 'Updated.', created = 'Created.'): Record<number, ResponseSpec> {
  return { 200: { description: updated, schema }, 201: { description: created, schema } };
}

/** The answer of a `DELETE`. */
export const deleted: Readonly<Record<number, ResponseSpec>> = { 204: { description: 'Deleted.' } };
