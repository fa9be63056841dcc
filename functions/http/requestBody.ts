/** Reading request bodies into validated values, with 4xx answers for anything malformed. */
import type { HttpRequest } from '@azure/functions';
import type { Static, TSchema } from '@sinclair/typebox';
import { parseBody, parseJsonBody } from '../../shared/api/validate';
import { getConfig } from '../../shared/config';
import { SibylError } from '../../shared/errors';

function checkLength(request: HttpRequest): void {
  const declared = Number(request.headers.get('content-length'));
  const limit = getConfig().maxRequestBytes;
  if (Number.isFinite(declared) && declared > limit) throw new SibylError('PayloadTooLarge', `The request body is ${declared} bytes; the limit is ${limit}.`);
}

/** The body as JSON (any value); empty or malformed → 400. */
export async function readJson(request: HttpRequest, what = 'request body'): Promise<unknown> {
  checkLength(request);
  return parseJsonBody(await request.text(), what);
}

/** The body as JSON checked against `schema`; `what` names it in messages ("deployment spec"). */
export async function readBody<T extends TSchema>(request: HttpRequest, schema: T, what: string): Promise<Static<T>> {
  return parseBody(schema, await readJson(request, what), what);
}

/** The body as raw bytes (one copy, as the runtime delivered it). */
export async function readBytes(request: HttpRequest): Promise<Uint8Array> {
  checkLength(request);
  return new Uint8Array(await request.arrayBuffer());
}

/** The request's origin as the client saw it, for URIs in answers. */
export function originOf(request: HttpRequest): string {
  return new URL(request.url).origin;
}
