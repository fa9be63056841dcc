/** Writes the host's answers to node:http responses. */
import type * as http from 'node:http';
import type { HttpAnswer } from './httpConversion';

/**
 * What the host itself answers (no route, no key, a failed invocation, a body over the limit): a status
 * with an empty body, as ASP.NET's `NotFoundResult`, `UnauthorizedResult` and Kestrel do.
 */
export function emptyAnswer(status: number): HttpAnswer {
  return { status, headers: {}, body: Buffer.alloc(0) };
}

const SMALL_BODY_BYTES = 16 * 1024;

/**
 * Writes an answer. A refused body is never answered with `Connection: close`: closing a socket with
 * unread bytes resets it, and the reset can destroy the answer before the client reads it (`drain`
 * half-closes instead).
 */
export function writeAnswer(res: http.ServerResponse, answer: HttpAnswer): void {
  const headers: http.OutgoingHttpHeaders = { ...answer.headers, 'content-length': answer.body.length };
  res.writeHead(answer.status, headers);
  // A small body as a latin1 string (byte for byte) goes out with the headers in one write; a
  // Buffer would cost a second chunk and a writev.
  if (answer.body.length <= SMALL_BODY_BYTES) res.end(answer.body.toString('latin1'), 'latin1');
  else res.end(answer.body);
}
