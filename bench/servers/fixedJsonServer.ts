/**
 * Benchmark case (d): the ceiling of Node HTTP on this machine — a `node:http` server that reads the
 * request body and answers the same small JSON every time. Run as a child process:
 * `node dist/bench/servers/fixedJsonServer.js`; prints `{"port": N}` once listening.
 */
import * as http from 'node:http';
import { announcePort } from './announcePort';

const BODY = Buffer.from(JSON.stringify({ ok: true }));

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': BODY.length });
    res.end(BODY);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => announcePort(server));
