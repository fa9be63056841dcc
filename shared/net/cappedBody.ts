/**
 * Reads a Node request's whole body under a size cap: the one body reader of the local host's front door and of
 * the scorer replicas (the Function App reads through the library's request instead).
 */
import type { IncomingMessage } from 'node:http';

/**
 * Resolves with the body; past `limitBytes`, declared or as it arrives, rejects at once with `tooLarge()` and
 * leaves the rest unread (paused), for the caller to drain or drop.
 */
export function readCappedBody(req: IncomingMessage, limitBytes: number, tooLarge: () => Error): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        req.removeAllListeners('data');
        req.pause();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    // A body in one chunk (most are) is that chunk: nothing to copy.
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}
