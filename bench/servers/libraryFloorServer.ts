/**
 * Benchmark case (g): the `@azure/functions` library's floor — a `node:http` server that hands each
 * request straight to the library and the no-op app (test/fixtures/benchApp), with only what the
 * library needs to run: the RPC request (method, URL, headers, body) and the function's metadata, and
 * the answer's status, headers and body written back. No routing, keys, limits, timeouts or logging.
 * The no-op route through the local host minus this is the host's own cost per request (issue 17).
 * Run as a child process: `node dist/bench/servers/libraryFloorServer.js <appDir>`; prints `{"port": N}`.
 */
import { installCoreResolver } from '../../emulator/coreResolver';

installCoreResolver();

import * as http from 'node:http';
import { loadApp } from '../../emulator/appLoader';
import { state } from '../../emulator/core/functionsCore';
import type { CoreInvocationContext, RpcNullableString } from '../../emulator/core/rpcTypes';
import { triggerBindingName } from '../../emulator/invoker';
import { announcePort } from './announcePort';

async function main(): Promise<void> {
  await loadApp(process.argv[2] ?? process.cwd());
  const registered = state.functions.get('noop');
  const model = state.programmingModel;
  if (!registered || !model) throw new Error('The no-op app did not register its function.');
  const bindingName = triggerBindingName('noop');
  let sequence = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const nullableHeaders: Record<string, RpcNullableString> = {};
      for (const [name, value] of Object.entries(req.headers))
        if (typeof value === 'string') nullableHeaders[name] = { value };
      const invocationId = String(++sequence);
      const body = Buffer.concat(chunks);
      const coreContext: CoreInvocationContext = {
        invocationId,
        request: {
          invocationId,
          functionId: 'noop',
          inputData: [
            {
              name: bindingName,
              data: {
                http: {
                  method: req.method,
                  url: `http://${req.headers.host}${req.url}`,
                  nullableHeaders,
                  nullableQuery: {},
                  nullableParams: {},
                  identities: [],
                  body: { bytes: body },
                },
              },
            },
          ],
          triggerMetadata: {},
        },
        metadata: registered.metadata,
        state: undefined,
        log: () => undefined,
      };
      void (async () => {
        const invocation = await model.getInvocationModel(coreContext);
        const args = await invocation.getArguments();
        const result = await invocation.invokeFunction(args.context, args.inputs, registered.callback);
        const answer = (await invocation.getResponse(args.context, result)).returnValue?.http;
        const bytes = answer?.body?.bytes ?? new Uint8Array(0);
        res.writeHead(Number(answer?.statusCode ?? 200), { ...answer?.headers, 'content-length': bytes.length });
        res.end(bytes);
      })();
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () => announcePort(server));
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
