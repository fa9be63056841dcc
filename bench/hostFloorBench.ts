/**
 * `node dist/bench/hostFloorBench.js [iterations] [part]`: the local host's own CPU cost per HTTP request,
 * part by part, in one process and without sockets (issue 17, "Host floor"). It loads the no-op bench app
 * (test/fixtures/benchApp) through the host's loader, so the same `@azure/functions` library runs the
 * same function, and times each step of the front door's path in isolation, in µs per request:
 * URL parsing, the route match, the body read, the conversion to the RPC request, the invocation
 * around the library, the conversion of the answer, the response write and logging. Then the whole
 * front door over an in-memory request and response, the library alone, and node:http's own body read and
 * write over the same request and response, so that "whole − library − node:http" is the host's share
 * (target ≤ 30 µs). Node's HTTP parsing and the kernel's socket work are outside all of it: they are the
 * same for the fixed-JSON server. `part` times only the part of that name (e.g. under `--cpu-prof`).
 */
import { installCoreResolver } from '../emulator/coreResolver';

installCoreResolver();

import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { loadApp } from '../emulator/appLoader';
import { state } from '../emulator/core/functionsCore';
import type { CoreInvocationContext, RpcParameterBinding } from '../emulator/core/rpcTypes';
import { describeFunctions, type HttpFunction } from '../emulator/functionCatalog';
import { FrontDoor } from '../emulator/http/frontDoor';
import { fromRpcHttp, toRpcHttp } from '../emulator/http/httpConversion';
import { readBody } from '../emulator/http/readBody';
import { parseRequestUrl } from '../emulator/http/requestUrl';
import { Router } from '../emulator/http/router';
import { writeAnswer } from '../emulator/http/writeAnswer';
import { createHostLogger } from '../emulator/hostLogger';
import { invoke, setInvocationLogSink } from '../emulator/invoker';
import { REPO_ROOT } from './emulatorHost';

const NOOP_APP = path.join(REPO_ROOT, 'test', 'fixtures', 'benchApp');
const BODY = Buffer.from('{"inputs":[[0.1,0.2,0.3,0.4]]}');
/** What autocannon sends with every bench request. */
const HEADERS: Record<string, string> = {
  host: '127.0.0.1:7071',
  'content-type': 'application/json',
  'content-length': String(BODY.length),
};
const BATCHES = 20;
const KEYS = { masterKey: 'm'.repeat(40), functionKey: 'f'.repeat(40), durableKey: 'd'.repeat(40) };

/** A socket stand-in that swallows what the response writes (the kernel's part is not the host's). */
function sinkSocket(): Writable {
  const socket = new Writable({ write: (_chunk, _encoding, done) => done() });
  return Object.assign(socket, { setTimeout: () => socket, remoteAddress: '127.0.0.1', encrypted: false });
}

/** A request as node:http hands it to the server callback, its body already arrived. */
function incoming(): http.IncomingMessage {
  const req = new http.IncomingMessage(sinkSocket() as never);
  req.method = 'POST';
  req.url = '/api/noop';
  req.headers = { ...HEADERS };
  req.push(BODY);
  req.push(null);
  // What node's parser sets once the message is in; without it, ending the request counts as an abort.
  req.complete = true;
  return req;
}

/** A request, the response to it, and a promise that settles once the response is written. */
interface Exchange {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  finished: Promise<void>;
}

function exchange(): Exchange {
  const req = incoming();
  const res = new http.ServerResponse(req);
  res.assignSocket(sinkSocket() as never);
  const finished = new Promise<void>((resolve) => res.once('finish', () => resolve()));
  return { req, res, finished };
}

interface Part {
  name: string;
  /** Work per request; `setup` builds its input outside the timed region. */
  setup?: () => unknown;
  run: (input: unknown) => unknown;
}

/** A part that answers a fresh exchange with `serve`; it ends when the response is written. */
function answering(name: string, serve: (exchange: Exchange) => void): Part {
  return {
    name,
    setup: exchange,
    run: (input) => {
      serve(input as Exchange);
      return (input as Exchange).finished;
    },
  };
}

/**
 * CPU µs per request (this process's user + system time, so time spent waiting for a core on a busy
 * machine does not count): the best of many short timed batches, the first of which only warms the JIT.
 */
async function time(part: Part, iterations: number): Promise<number> {
  let best = Infinity;
  for (let batch = 0; batch <= BATCHES; batch++) {
    const inputs = Array.from({ length: iterations }, () => part.setup?.());
    const started = process.cpuUsage();
    for (let i = 0; i < iterations; i++) {
      const out = part.run(inputs[i]);
      if (out instanceof Promise) await out;
    }
    const spent = process.cpuUsage(started);
    if (batch > 0) best = Math.min(best, (spent.user + spent.system) / iterations);
  }
  return best;
}

async function main(): Promise<void> {
  const iterations = Number(process.argv[2]) || 1000;
  await loadApp(NOOP_APP);
  const functions = describeFunctions().filter((f): f is HttpFunction => f.kind === 'http');
  const fn = functions.find((f) => f.name === 'noop')!;
  let logLines = 0;
  const log = createHostLogger('info', () => logLines++);
  setInvocationLogSink(({ level, message }) => (level === 'error' ? log.error(message) : log.debug(message)));
  const router = new Router(functions, '');
  const door = new FrontDoor({
    functions,
    routePrefix: '',
    keys: KEYS,
    authEnabled: true,
    maxBodyBytes: 1024 * 1024,
    functionTimeoutMs: 600_000,
    log,
  });
  const url = new URL('http://127.0.0.1:7071/api/noop');
  const binding = (): RpcParameterBinding[] => [
    { name: fn.triggerBindingName, data: { http: toRpcHttp(incoming(), url, {}, BODY) } },
  ];
  const model = state.programmingModel!;
  const registered = state.functions.get(fn.name)!;
  const answered = await invoke(fn.name, binding());
  const answer = fromRpcHttp(answered.returnValue?.http);
  const nodeWrite = (res: http.ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': answer.body.length });
    res.end(answer.body);
  };

  const parts: Part[] = [
    { name: 'URL parsing', run: () => parseRequestUrl('/api/noop', HEADERS.host) },
    { name: 'route match', run: () => router.lookup('POST', '/api/noop') },
    { name: 'body read', setup: incoming, run: (req) => readBody(req as http.IncomingMessage, 1024 * 1024) },
    {
      name: 'node:http body read alone',
      setup: incoming,
      run: (req) =>
        new Promise<void>((resolve) => {
          (req as http.IncomingMessage).resume().on('end', resolve);
        }),
    },
    { name: 'request → RPC', setup: incoming, run: (req) => toRpcHttp(req as http.IncomingMessage, url, {}, BODY) },
    {
      name: 'invocation (host + library)',
      setup: binding,
      run: (input) =>
        invoke(fn.name, input as RpcParameterBinding[], { invocationId: randomUUID(), timeoutMs: 600_000 }),
    },
    {
      name: 'library alone',
      setup: binding,
      run: async (input) => {
        const invocationId = randomUUID();
        const coreContext: CoreInvocationContext = {
          invocationId,
          request: {
            invocationId,
            functionId: fn.name,
            inputData: input as RpcParameterBinding[],
            triggerMetadata: {},
          },
          metadata: registered.metadata,
          state: undefined,
          log: () => undefined,
        };
        const invocation = await model.getInvocationModel(coreContext);
        const args = await invocation.getArguments();
        const result = await invocation.invokeFunction(args.context, args.inputs, registered.callback);
        return invocation.getResponse(args.context, result);
      },
    },
    { name: 'RPC → answer', run: () => fromRpcHttp(answered.returnValue?.http) },
    answering('response write', ({ res }) => writeAnswer(res, answer)),
    answering('node:http write alone', ({ res }) => nodeWrite(res)),
    answering('node:http read + write alone', ({ req, res }) => req.resume().on('end', () => nodeWrite(res))),
    answering('whole front door', ({ req, res }) => void door.serve(req, res)),
  ];
  const results = new Map<string, number>();
  const only = process.argv[3];
  for (const part of parts) if (!only || part.name === only) results.set(part.name, await time(part, iterations));
  if (only) return void process.stdout.write(`${only}: ${results.get(only)?.toFixed(1)} µs\n`);
  logLines = 0;
  await time(parts.at(-1)!, 100);
  const perRequestLogLines = logLines / (100 * (BATCHES + 1));
  const width = Math.max(...parts.map((p) => p.name.length));
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say(
    `Local host floor, µs per request (CPU time, best of ${BATCHES} batches of ${iterations}; ` +
      'no-op app, POST /api/noop):',
  );
  for (const [name, us] of results) say(`  ${name.padEnd(width)}  ${us.toFixed(1).padStart(7)}`);
  const whole = results.get('whole front door')!;
  const library = results.get('library alone')!;
  const node = results.get('node:http read + write alone')!;
  say(`  log lines written per request: ${perRequestLogLines}`);
  say(
    `Host's own share = whole front door − library alone − node:http read + write alone = ` +
      `${(whole - library - node).toFixed(1)} µs (target ≤ 30)`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
