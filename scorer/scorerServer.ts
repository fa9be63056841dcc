/**
 * The scoring container's HTTP server: Open Inference Protocol v2 over the same data plane
 * (`shared/scoring/dataPlane.ts`), protocol adapter, batcher and sessions the Function App uses.
 * `{model}` is a registered model name and `{version}` its version. Health routes are anonymous
 * (Container Apps probes); the rest need the caller's credential.
 */
import * as http from 'node:http';
import type { ScorerConfig } from '../shared/config';
import { toErrorBody, SibylError } from '../shared/errors';
import { BINARY_EXTENSION, BINARY_HEADER } from '../shared/scoring/codecs/oipBinary';
import { Caller, score, type AnswerNames } from '../shared/scoring/dataPlane';
import { oipProtocol } from '../shared/scoring/protocols/oipProtocol';
import type { DeviceStatus } from './deviceCheck';
import { FILES_DIGEST_HEADER } from '../shared/registry/modelBlobs';
import type { ScorerAuthenticator } from './scorerAuth';
import { listenOn, readBody, requestTarget } from './replicaHttp';
import type { ScorerModels } from './scorerModels';

const VERSION = '0.1.0';
const MODEL_ROUTE = /^\/v2\/models\/([^/]+)\/versions\/(\d{1,9})(\/ready|\/infer)?\/?$/;

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent as is instead of `body` as JSON (the binary tensor extension). */
  raw?: Buffer;
  /** `body`'s JSON text, already written (an infer answer): sent instead of `body`. */
  text?: string;
}

/** A model route's parts, parsed once per distinct path. */
interface ModelRoute {
  name: string;
  version: number;
  action: string;
  /** `name:version`, the models' cache key. */
  key: string;
  /** How its answers name it. */
  names: AnswerNames;
}

/** Distinct model paths remembered; past this the memory is cleared (a client making up paths). */
const MAX_ROUTES = 1024;

export class ScorerServer {
  readonly #server: http.Server;
  readonly #routes = new Map<string, ModelRoute | null>();
  #live = true;

  constructor(
    private readonly config: ScorerConfig,
    private readonly models: ScorerModels,
    private readonly authenticate: ScorerAuthenticator,
    /** What the start-up device check found; absent means CPU and ready (tests, the local scorer). */
    private readonly device: DeviceStatus = { executionProvider: 'cpu', ready: true },
  ) {
    this.#server = http.createServer((req, res) => {
      // The caller hanging up (its timeout) takes a queued request out unscored.
      const caller = new Caller();
      res.on('close', () => {
        if (!res.writableFinished) caller.gone(new SibylError('Timeout', 'The caller went away.'));
      });
      void this.#handle(req, caller).then(
        (answer) => send(res, answer),
        (error: unknown) => {
          const { status, body, headers } = toErrorBody(error, 'scorer');
          if (status >= 500) process.stderr.write(`scorer: ${(error as Error)?.stack ?? String(error)}\n`);
          send(res, { status, body: { error: body.error.message }, headers });
        },
      );
    });
    this.#server.keepAliveTimeout = 65_000;
  }

  listen(port: number, host = '0.0.0.0'): Promise<number> {
    return listenOn(this.#server, port, host);
  }

  async close(): Promise<void> {
    this.#live = false;
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
    await this.models.close();
  }

  async #handle(req: http.IncomingMessage, caller: Caller): Promise<Answer> {
    const { method, path } = requestTarget(req);
    if (method === 'GET' && path === '/v2/health/live')
      return { status: this.#live ? 200 : 503, body: { live: this.#live } };
    if (method === 'GET' && path === '/v2/health/ready') {
      const ready = this.#live && this.device.ready;
      const reason = this.device.ready ? undefined : this.device.reason;
      const body = { ready, execution_provider: this.device.executionProvider, ...(reason ? { reason } : {}) };
      return { status: ready ? 200 : 503, body };
    }
    const allowed = this.authenticate(req.headers.authorization);
    if (allowed !== true && !(allowed !== false && (await allowed))) {
      req.resume();
      return {
        status: 401,
        body: { error: "The scorer needs the caller's credential: Authorization: Bearer <key or Entra ID token>." },
        headers: { 'www-authenticate': 'Bearer' },
      };
    }
    if (method === 'GET' && (path === '/v2' || path === '/v2/')) {
      const body = {
        name: 'sibyl-scorer',
        version: VERSION,
        extensions: [BINARY_EXTENSION],
        execution_provider: this.device.executionProvider,
      };
      return { status: 200, body };
    }
    const route = this.#route(path);
    if (!route) {
      req.resume();
      return { status: 404, body: { error: `No route ${method} ${path}.` } };
    }
    const { name, version, action } = route;
    if (method === 'GET' && action === '/ready')
      return {
        status: this.models.isReady(name, version) ? 200 : 503,
        body: { name, version: String(version), ready: this.models.isReady(name, version) },
      };
    const header = req.headers[FILES_DIGEST_HEADER];
    const expected = typeof header === 'string' ? header : undefined;
    const model = this.models.loaded(route.key, expected) ?? (await this.models.get(name, version, expected));
    if (method === 'GET' && action === '') {
      const parameters = { execution_provider: model.session.executionProviders[0] ?? 'cpu' };
      const { inputs, outputs } = model.signature;
      return {
        status: 200,
        body: { name, versions: [String(version)], platform: 'onnxruntime_onnx', inputs, outputs, parameters },
      };
    }
    if (method === 'POST' && action === '/infer') {
      const bytes = await readBody(req, this.config.maxRequestBytes);
      const header = req.headers[BINARY_HEADER];
      const body = { bytes, binaryHeader: typeof header === 'string' ? header : null };
      const limits = { maxElements: this.config.maxTensorElements };
      const { answer } = await score(model, oipProtocol, body, route.names, limits, { caller });
      if (!answer.binary) return { status: 200, text: answer.text ?? JSON.stringify(answer.json) };
      return {
        status: 200,
        body: answer.json,
        raw: answer.binary.body,
        headers: { 'content-type': 'application/octet-stream', [BINARY_HEADER]: String(answer.binary.headerLength) },
      };
    }
    req.resume();
    return { status: 404, body: { error: `No route ${method} ${path}.` } };
  }

  /** The model route `path` names, or null; remembered, since clients send the same few paths. */
  #route(path: string): ModelRoute | null {
    let route = this.#routes.get(path);
    if (route !== undefined) return route;
    const match = MODEL_ROUTE.exec(path);
    if (match) {
      const name = decodeURIComponent(match[1]!);
      const version = Number(match[2]);
      const names = { modelName: name, modelVersion: String(version), id: '' };
      route = { name, version, action: match[3] ?? '', key: `${name}:${version}`, names };
    } else route = null;
    if (this.#routes.size >= MAX_ROUTES) this.#routes.clear();
    this.#routes.set(path, route);
    return route;
  }
}

function send(res: http.ServerResponse, answer: Answer): void {
  if (res.destroyed) return;
  if (answer.raw) {
    res.writeHead(answer.status, { 'content-length': answer.raw.length, ...answer.headers });
    res.end(answer.raw);
    return;
  }
  // A string body: Node writes it with the headers in one write, where a Buffer costs a writev.
  const payload = answer.text ?? JSON.stringify(answer.body);
  const length = Buffer.byteLength(payload);
  if (answer.headers)
    res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': length, ...answer.headers });
  // The common answer's headers as a flat list: no object to build or walk.
  else res.writeHead(answer.status, ['content-type', 'application/json', 'content-length', String(length)]);
  res.end(payload);
}
