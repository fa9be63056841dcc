/** The plumbing both replica servers (the ONNX scorer and the user-code server) share: body, target, listen. */
import type * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SibylError } from '../shared/errors';
import { readCappedBody } from '../shared/net/cappedBody';

/** Reads the whole body, refusing with `PayloadTooLarge` (and draining the rest) past `limit` bytes. */
export function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return readCappedBody(req, limit, () => {
    req.resume();
    return new SibylError('PayloadTooLarge', `The request body is larger than ${limit} bytes.`);
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
