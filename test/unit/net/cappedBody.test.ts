/** The one capped body reader of the local host and the scorer replicas, against a real node:http server. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readCappedBody } from '../../../shared/net/cappedBody';

const LIMIT = 1000;
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    readCappedBody(req, LIMIT, () => new Error('too large')).then(
      (body) => res.end(`read ${body.length}`),
      (error: Error) => {
        req.resume();
        res.statusCode = 413;
        res.end(error.message);
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

async function send(
  body: string | ReadableStream<Uint8Array>,
  headers: Record<string, string> = {},
): Promise<[number, string]> {
  const init = { method: 'POST', body, headers, duplex: 'half' as const };
  const res = await fetch(base, init);
  return [res.status, await res.text()];
}

/** A chunked body (no content-length) of `chunks` pieces of `size` bytes. */
function chunked(chunks: number, size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent++ === chunks) controller.close();
      else controller.enqueue(new Uint8Array(size).fill(65));
    },
  });
}

it('reads a body up to the limit, declared or chunked', async () => {
  expect(await send('x'.repeat(LIMIT))).toEqual([200, `read ${LIMIT}`]);
  expect(await send(chunked(4, 250))).toEqual([200, `read ${LIMIT}`]);
  expect(await send('')).toEqual([200, 'read 0']);
});

it('refuses a body declared past the limit, and one that grows past it', async () => {
  expect(await send('x'.repeat(LIMIT + 1))).toEqual([413, 'too large']);
  expect(await send(chunked(8, 250))).toEqual([413, 'too large']);
});
