/**
 * The host's HTTP server: reserved routes first (`runtime/webhooks/durabletask`, `admin`), then the
 * app's routes with their auth levels, body limit, and the request ↔ RPC conversion.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RpcParameterBinding, RpcTypedData } from '../core/rpcTypes';
import type { HttpFunction } from '../functionCatalog';
import type { HostLogger } from '../hostLogger';
import { FunctionTimeoutError, inputBindingNames, invoke } from '../invoker';
import { fromRpcHttp, toRpcHttp, type HttpAnswer } from './httpConversion';
import type { HostHttpOptions } from './hostHttpOptions';
import { isAuthorized, levelOf, same, type HostKeys } from './hostKeys';
import { BodyTooLargeError, drain, readBody } from './readBody';
import { RequestThrottle } from './requestThrottle';
import { parseRequestUrl } from './requestUrl';
import { Router } from './router';
import { emptyAnswer, writeAnswer as send } from './writeAnswer';

export interface ReservedRequest {
  method: string;
  /** Path below the reserved prefix, still percent-encoded, without leading slash. */
  path: string;
  query: URLSearchParams;
  body: Buffer;
  origin: string;
  headers: http.IncomingHttpHeaders;
}

export interface ReservedAnswer {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

export interface FrontDoorOptions {
  functions: HttpFunction[];
  routePrefix: string;
  keys: HostKeys;
  /** When false every route is anonymous (what `func start` does without --enableAuth). */
  authEnabled: boolean;
  maxBodyBytes: number;
  /** `AzureWebJobsDisableHomepage`: `/` with no function answers 204 instead of the host's default page. */
  homepageDisabled?: boolean;
  /** host.json's `extensions.http` throttle and custom headers (none when absent). */
  http?: HostHttpOptions;
  functionTimeoutMs?: number;
  log: HostLogger;
  /** The Durable management API (docs/local-host-contract.md, "Durable Functions HTTP API"). */
  durable?: { handle(req: ReservedRequest): Promise<ReservedAnswer>; clientInputData(): RpcTypedData };
  /** `admin/…` routes (master key only). */
  admin?: (req: ReservedRequest) => Promise<ReservedAnswer>;
}

const DURABLE_PREFIX = '/runtime/webhooks/durabletask/';
/** Path segment of the durable RPC base URL given to the client binding (followed by the durable key). */
export const RPC_SEGMENT = '_rpc';

export class FrontDoor {
  readonly #options: FrontDoorOptions;
  readonly #router: Router;
  readonly #server: http.Server;
  /** Each function's Durable client input bindings, found once: the metadata is fixed after start-up. */
  readonly #durableClientBindings: Map<string, string[]>;
  /** HttpThrottleMiddleware's queue, when host.json sets a limit. */
  readonly #throttle: RequestThrottle | undefined;
  readonly #customHeaders: [string, string][];

  constructor(options: FrontDoorOptions) {
    this.#options = options;
    this.#router = new Router(options.functions, options.routePrefix);
    this.#durableClientBindings = new Map(
      options.durable ? options.functions.map((fn) => [fn.name, inputBindingNames(fn.name, 'durableClient')]) : [],
    );
    const hostHttp = options.http;
    const limited = hostHttp?.maxOutstandingRequests !== undefined || hostHttp?.maxConcurrentRequests !== undefined;
    this.#throttle = limited ? new RequestThrottle(hostHttp) : undefined;
    this.#customHeaders = Object.entries(hostHttp?.customHeaders ?? {});
    this.#server = http.createServer((req, res) => void this.serve(req, res));
    this.#server.keepAliveTimeout = 65_000;
  }

  listen(port: number, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => resolve((this.#server.address() as AddressInfo).port));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  /**
   * Answers one request (the server's request handler; the host-floor bench drives it directly). As in the
   * host's pipeline, the throttle comes before everything but `admin/…`, and a request it does not take
   * gets a bare 429 with `X-FUNCTION-SCALEOUT: 1` and none of the custom headers.
   */
  serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!this.#throttle || isAdminPath(req.url)) return this.#serveNow(req, res);
    const admitted = this.#throttle.admit(() => this.#serveNow(req, res));
    if (admitted) return admitted;
    this.#options.log.debug(`HTTP request queue limit of ${this.#options.http?.maxOutstandingRequests} exceeded.`);
    drain(req, res);
    send(res, { status: 429, headers: { 'x-function-scaleout': '1' }, body: Buffer.alloc(0) });
    return Promise.resolve();
  }

  #serveNow(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    return this.#handle(req, res).catch((error: unknown) => {
      this.#options.log.error(`Unhandled error in the HTTP front door: ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent) this.#send(res, emptyAnswer(500));
      else res.destroy();
    });
  }

  /**
   * Writes an answer from the host's pipeline past the throttle, with CustomHttpHeadersMiddleware's
   * headers: each one the answer does not set itself (`Headers.TryAdd`), so the function's own value wins.
   */
  #send(res: http.ServerResponse, answer: HttpAnswer): void {
    if (this.#customHeaders.length === 0) return send(res, answer);
    const headers = { ...answer.headers };
    const present = new Set(Object.keys(headers).map((name) => name.toLowerCase()));
    for (const [name, value] of this.#customHeaders) if (!present.has(name)) headers[name] = value;
    send(res, { ...answer, headers });
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = parseRequestUrl(req.url, req.headers.host);
    if (!url) {
      drain(req, res);
      return send(res, emptyAnswer(400));
    }
    const lowerPath = url.pathname.toLowerCase();
    if (lowerPath.startsWith(DURABLE_PREFIX) && this.#options.durable) {
      return this.#durable(req, res, url);
    }
    if ((lowerPath === '/admin' || lowerPath.startsWith('/admin/')) && this.#options.admin) {
      return this.#reserved(req, res, url, url.pathname.slice('/admin/'.length), 'admin', this.#options.admin);
    }
    // The host's HttpMethodRouteConstraint: the method must be one the function lists (HEAD is not GET);
    // no route for the path and method ends the pipeline with ASP.NET's bare 404.
    const { match } = this.#router.lookup(method, url.pathname);
    if (!match) {
      drain(req, res);
      // The host's HomepageMiddleware: `/` that no function served gets the default page, or 204 when disabled.
      if (url.pathname === '/') return send(res, this.#options.homepageDisabled ? emptyAnswer(204) : HOMEPAGE);
      return this.#send(res, emptyAnswer(404));
    }
    const body = await this.#authorizedBody(req, res, url, match.fn.authLevel);
    if (!body) return;
    const answer = await this.#invokeHttp(match.fn, req, url, match.params, body);
    this.#send(res, method === 'HEAD' ? { ...answer, body: Buffer.alloc(0) } : answer);
  }

  async #invokeHttp(
    fn: HttpFunction,
    req: http.IncomingMessage,
    url: URL,
    params: Record<string, string>,
    body: Buffer,
  ): Promise<HttpAnswer> {
    const inputData: RpcParameterBinding[] = [
      { name: fn.triggerBindingName, data: { http: toRpcHttp(req, url, params, body) } },
    ];
    const durable = this.#options.durable;
    for (const name of this.#durableClientBindings.get(fn.name) ?? [])
      inputData.push({ name, data: durable!.clientInputData() });
    const invocationId = randomUUID();
    try {
      const response = await invoke(fn.name, inputData, { invocationId, timeoutMs: this.#options.functionTimeoutMs });
      return fromRpcHttp(response.returnValue?.http);
    } catch (error) {
      if (error instanceof FunctionTimeoutError) {
        this.#options.log.error(`${fn.name} (${invocationId}): ${error.message}`);
        return emptyAnswer(500);
      }
      // The host's ExceptionMiddleware: a failed invocation is a bare 500; the details go to the log.
      const cause = (error as { cause?: unknown }).cause ?? error;
      this.#options.log.error(`${fn.name} (${invocationId}) failed: ${(cause as Error)?.stack ?? String(cause)}`);
      return emptyAnswer(500);
    }
  }

  /**
   * Durable webhooks: the client binding's `rpcBaseUrl` carries the durable system key in its path
   * (the JS client adds no key to those calls, as Azure's loopback RPC listener needs none); the
   * public status URLs carry it as `code`; function and master keys work too.
   */
  #durable(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const durable = this.#options.durable!;
    let path = url.pathname.slice(DURABLE_PREFIX.length);
    // `_rpc/{key}/…`: the key segment is compared in constant time, never with startsWith.
    const [first, key, ...rest] = path.split('/');
    const viaRpc =
      first === RPC_SEGMENT && key !== undefined && rest.length > 0 && same(key, this.#options.keys.durableKey);
    if (viaRpc) path = rest.join('/');
    const code = url.searchParams.get('code');
    const open = viaRpc || (code !== null && same(code, this.#options.keys.durableKey));
    return this.#reserved(req, res, url, path, open ? 'anonymous' : 'function', (r) => durable.handle(r));
  }

  async #reserved(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    path: string,
    level: 'anonymous' | 'function' | 'admin',
    handler: (r: ReservedRequest) => Promise<ReservedAnswer>,
  ): Promise<void> {
    const body = await this.#authorizedBody(req, res, url, level);
    if (!body) return;
    const answer = await handler({
      method: (req.method ?? 'GET').toUpperCase(),
      path,
      query: url.searchParams,
      body,
      origin: url.origin,
      headers: req.headers,
    });
    const headers = { ...answer.headers };
    let bytes: Buffer = Buffer.alloc(0);
    if (answer.body !== undefined) {
      bytes = Buffer.isBuffer(answer.body) ? answer.body : Buffer.from(JSON.stringify(answer.body));
      headers['content-type'] ??= 'application/json; charset=utf-8';
    }
    this.#send(res, { status: answer.status, headers, body: bytes });
  }

  /** The body of a caller the auth level admits; otherwise answers 401 (or 413 past the size cap) and gives none. */
  async #authorizedBody(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    level: 'anonymous' | 'function' | 'admin',
  ): Promise<Buffer | undefined> {
    if (!this.#authorized(req, url, level)) {
      drain(req, res);
      this.#send(res, emptyAnswer(401));
      return undefined;
    }
    try {
      return await readBody(req, this.#options.maxBodyBytes);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      drain(req, res);
      this.#send(res, emptyAnswer(413));
      return undefined;
    }
  }

  #authorized(req: http.IncomingMessage, url: URL, required: 'anonymous' | 'function' | 'admin'): boolean {
    if (!this.#options.authEnabled || required === 'anonymous') return true;
    const header = req.headers['x-functions-key'];
    const presented = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('code') ?? undefined;
    return isAuthorized(required, levelOf(this.#options.keys, presented));
  }
}

/** `IsAdminRequest`: the path starts with `/admin`, whatever its case. */
function isAdminPath(url: string | undefined): boolean {
  return (url ?? '').slice(0, 6).toLowerCase() === '/admin';
}

/** Stands for the host's default page (`Home.html`), which says the app is up and nothing else. */
const HOMEPAGE: HttpAnswer = {
  status: 200,
  headers: { 'content-type': 'text/html' },
  body: Buffer.from(
    '<!DOCTYPE html><html><head><title>Your Functions app is up and ' +
      'running</title></head><body><h1>Your Functions app is up and ' +
      'running</h1></body></html>',
  ),
};
