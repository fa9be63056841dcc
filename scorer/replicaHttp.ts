/** The plumbing both replica servers (the ONNX scorer and the user-code server) share: body, target, listen. */
import type * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SibylError } from '../shared/errors';

/** Reads the whole body, refusing with `PayloadTooLarge` (and draining the rest) past `limit` bytes. */
export function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new SibylError('PayloadTooLarge', `The request body is larger than ${limit} bytes.`));
      } else chunks.push(chunk);
    });
    // A body in one chunk (most are) is that chunk: nothing to copy.
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

/** The request's method and its path without the query string. */
export function requestTarget(req: http.IncomingMessage): { method: string; path: string } {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return { method: req.method ?? 'GET', path: query < 0 ? url : url.slice(0, query) };
}

/** Starts `server` listening and resolves with the port it got (port 0 asks the OS for one). */
export function listenOn(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}
