/** Reads a request body up to a limit; beyond it, rejects with `BodyTooLargeError`. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readCappedBody } from '../../shared/net/cappedBody';

/** How much of a refused body (401, 404, 413) is read and thrown away before the connection is cut. */
export const DRAIN_LIMIT_BYTES = 1024 * 1024;

/** How long a connection whose refused body was cut off may stay half-closed before it is destroyed. */
const HALF_CLOSED_MS = 10_000;

/**
 * Discards the rest of a refused request's body without keeping it, so a well-behaved client can read
 * the answer and reuse the connection. A body that goes on past `limitBytes` (an endless chunked upload)
 * is no longer read: once the answer is out the server half-closes the connection (a reset could destroy
 * the answer before the client reads it) and destroys it if the client does not hang up.
 */
export function drain(req: IncomingMessage, res: ServerResponse, limitBytes = DRAIN_LIMIT_BYTES): void {
  let seen = 0;
  req.removeAllListeners('data');
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen <= limitBytes) return;
    req.removeAllListeners('data');
    req.pause();
    const hangUp = () => {
      req.socket.setTimeout(HALF_CLOSED_MS, () => req.socket.destroy());
      req.socket.end();
    };
    if (res.writableFinished) hangUp();
    else res.once('finish', hangUp);
  });
  req.resume();
}

export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`The request body is larger than the limit of ${limitBytes} bytes.`);
  }
}

/** Reads the body; past `limitBytes` rejects at once (the caller answers 413 and `drain`s the rest). */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return readCappedBody(req, limitBytes, () => new BodyTooLargeError(limitBytes));
}
