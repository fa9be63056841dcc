/** Reading request bodies into validated values, with 4xx answers for anything malformed. */
import type { HttpRequest } from '@azure/functions';
import type { Static, TSchema } from '@sinclair/typebox';
import { parseBody, parseJsonBody } from '../../shared/api/validate';
import type { ArchiveKind } from '../../shared/assets/safeArchive';
import { getConfig } from '../../shared/config';
import { SibylError } from '../../shared/errors';

function tooLarge(bytes: number, limit: number): SibylError {
  return new SibylError(
    'PayloadTooLarge',
    `The request body is ${bytes} bytes; the limit is ${limit} (SIBYL_MAX_REQUEST_BYTES).`,
  );
}

/** The declared length (NaN when none), refused at once when it is past the limit. */
function checkLength(request: HttpRequest): number {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  const limit = getConfig().maxRequestBytes;
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(declared, limit);
  return declared;
}

const NO_BYTES = new Uint8Array(0);

/**
 * All of a body stream's chunks, joined only when there are several. Read straight from the stream's
 * reader: `arrayBuffer()` goes through undici's consume-body steps, which cost several times as much
 * for the small bodies of scoring requests (they arrive as one chunk, which is returned as it is).
 * A first chunk of the whole declared length is all there is (node:http frames the body by that
 * length), so the read that would only report the end is not made.
 */
async function readAll(body: ReadableStream<Uint8Array>, declared: number): Promise<Uint8Array> {
  const reader = body.getReader();
  let first: Uint8Array | undefined;
  let rest: Uint8Array[] | undefined;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!first) {
      first = value;
      if (value.byteLength === declared) return first;
    } else (rest ??= []).push(value);
  }
  if (!first) return NO_BYTES;
  if (!rest) return first;
  // One buffer of its own (Buffer.concat may hand out a slice of the shared pool).
  const all = new Uint8Array(rest.reduce((n, chunk) => n + chunk.byteLength, first.byteLength));
  let at = 0;
  for (const chunk of [first, ...rest]) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return all;
}

/**
 * The body's bytes, held to `SIBYL_MAX_REQUEST_BYTES` by what arrived as well as by its header:
 * a chunked body declares no length.
 */
async function limitedBytes(request: HttpRequest): Promise<Uint8Array> {
  const declared = checkLength(request);
  // A body already read is a locked stream: getReader throws, as arrayBuffer() would.
  const body = request.body;
  const bytes = body ? await readAll(body, declared) : NO_BYTES;
  const limit = getConfig().maxRequestBytes;
  if (bytes.byteLength > limit) throw tooLarge(bytes.byteLength, limit);
  return bytes;
}

/** The body as JSON (any value); empty or malformed → 400. */
export async function readJson(request: HttpRequest, what = 'request body'): Promise<unknown> {
  return parseJsonBody(new TextDecoder().decode(await limitedBytes(request)), what);
}

/** The body as JSON checked against `schema`; `what` names it in messages ("deployment spec"). */
export async function readBody<T extends TSchema>(request: HttpRequest, schema: T, what: string): Promise<Static<T>> {
  return parseBody(schema, await readJson(request, what), what);
}

/** The body as raw bytes (one copy, as the runtime delivered it). */
export function readBytes(request: HttpRequest): Promise<Uint8Array> {
  return limitedBytes(request);
}

/** The body's media type, lower-case and without parameters; a body without one is `application/octet-stream`. */
export function mediaTypeOf(request: HttpRequest): string {
  return (request.headers.get('content-type') ?? 'application/octet-stream').split(';')[0]!.trim().toLowerCase();
}

/** Media types of an uploaded folder (models and code assets alike) and the archive each names. */
export const ARCHIVE_MEDIA_TYPES: Readonly<Record<string, ArchiveKind>> = {
  'application/zip': 'zip',
  'application/x-zip-compressed': 'zip',
  'application/gzip': 'tar.gz',
  'application/x-gzip': 'tar.gz',
  'application/x-gtar': 'tar.gz',
};

/** The request's origin as the client saw it, for URIs in answers. */
export function originOf(request: HttpRequest): string {
  return new URL(request.url).origin;
}
