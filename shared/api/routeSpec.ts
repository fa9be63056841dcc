/**
 * The shape of one route of the HTTP API. The route table (`routes.ts`) lists every route this way;
 * the OpenAPI document is generated from it and the function files register their handlers against
 * its `operationId`s, so the document cannot drift from what is served.
 */
import type { TObject, TSchema } from '@sinclair/typebox';
import { ErrorBody, OipError } from './schemas/errors';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** `functionKey`: Functions key (`x-functions-key` header or `?code=`); `endpointBearer`: the endpoint's Bearer credential. */
export type SecurityKind = 'functionKey' | 'endpointBearer';

export interface HeaderSpec {
  description: string;
  required?: boolean;
}

export interface ResponseSpec {
  description: string;
  /** Absent for empty answers (204, 202 without body). */
  schema?: TSchema;
  /** Default `application/json`. */
  contentType?: string;
  headers?: Readonly<Record<string, HeaderSpec>>;
}

export interface RequestSpec {
  schema: TSchema;
  /** Default `application/json`. */
  contentType?: string;
  /** `schema`: checked with `parseBody`; `codec`: decoded by the scoring codecs; `none`: raw bytes. */
  validatedBy: 'schema' | 'codec' | 'none';
  /** Default true. */
  required?: boolean;
  description?: string;
}

export interface RouteSpec {
  /** Unique; the function registered for the route has this name. */
  operationId: string;
  method: HttpMethod;
  /** OpenAPI path template, e.g. `/api/models/{name}/versions`. */
  path: string;
  /**
   * The Functions route template, when it cannot be the path itself: the host turns an empty route into
   * the function's name, so `/` is served by a template that matches the empty path (`{page?}`).
   */
  template?: string;
  summary: string;
  description?: string;
  tags: readonly string[];
  /** Alternatives: any one of them authorises the call. Empty = anonymous. */
  security: readonly SecurityKind[];
  /** Path parameters, one property per `{placeholder}`. */
  params?: TObject;
  query?: TObject;
  /** Request headers the route reads. */
  headers?: Readonly<Record<string, HeaderSpec>>;
  request?: RequestSpec;
  /** Status → answer. Success statuses and the errors the route documents. */
  responses: Readonly<Record<number, ResponseSpec>>;
}

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input; the message says what was wrong and how to fix it.',
  401: 'Missing, wrong or expired credential.',
  403: 'The credential is valid but not allowed here.',
  404: 'The resource does not exist.',
  408: "The request took longer than the deployment's `requestTimeoutMs`.",
  409: 'Conflicts with the current state (e.g. a version still in use).',
  412: 'The resource changed meanwhile; retry.',
  413: 'The body is too large.',
  415: 'Unsupported Content-Type.',
  429: 'Too many requests in flight; retry after `Retry-After`.',
  503: 'A dependency is down or the deployment is not ready.',
};

/**
 * Documented error answers in Sibyl's shape (`{"error": {code, message, details?}}`) or, for the Open
 * Inference Protocol routes, the protocol's (`{"error": "<message>"}`).
 *
 * @example
 *   responses: { 200: { description: 'The model.', schema: Model }, ...errors('sibyl', 404) }
 */
export function errors(style: 'sibyl' | 'oip', ...statuses: number[]): Record<number, ResponseSpec> {
  const schema = style === 'oip' ? OipError : ErrorBody;
  return Object.fromEntries(
    statuses.map((status) => [status, { description: ERROR_TEXT[status] ?? 'Error.', schema }]),
  );
}

/** The route as `app.http` takes it: no leading slash (`host.json` sets an empty route prefix). */
export function functionRoute(route: Pick<RouteSpec, 'path' | 'template'>): string {
  return route.template ?? route.path.replace(/^\//, '');
}

/** The Functions `authLevel`: `function` for control-plane routes; data-plane credentials are checked in code. */
export function authLevelOf(route: Pick<RouteSpec, 'security'>): 'function' | 'anonymous' {
  return route.security.length === 1 && route.security[0] === 'functionKey' ? 'function' : 'anonymous';
}
