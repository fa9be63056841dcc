/**
 * The HTTP server of a replica that runs user code (environments issue), behind the same scorer auth as
 * the ONNX scorer: health (anonymous, for probes), Azure ML's `POST /score`, `POST /batch` (one
 * mini-batch through `run(mini_batch)`), and the Open Inference Protocol routes forwarded to a custom
 * server with `protocol: "oip"` (a 404 naming the score route otherwise). The request id comes in
 * `x-request-id` (the Function App's), or is made here.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import { toErrorBody } from '../../shared/errors';
import type { ScorerAuthenticator } from '../scorerAuth';
import { listenOn, readBody, requestTarget } from '../replicaHttp';
import { prepareBatch, resultsProblem } from './miniBatch';
import { jsonAnswer, scriptErrorAnswer, type UserAnswer, type UserCodeBackend } from './userCodeBackend';

/** Request headers an OIP request keeps on its way to the custom server. */
const OIP_HEADERS = ['content-type', 'accept', 'inference-header-content-length', 'x-request-id'];

function notFound(method: string, path: string, message = `No route ${method} ${path}.`): UserAnswer {
  return jsonAnswer(404, { error: { code: 'NotFound', message } });
}

export class UserCodeServer {
  readonly #server: http.Server;
  #live = true;

  constructor(
    private readonly backend: UserCodeBackend,
    private readonly authenticate: ScorerAuthenticator,
    private readonly maxRequestBytes: number,
  ) {
    this.#server = http.createServer((req, res) => {
      const header = req.headers['x-request-id'];
      const requestId = typeof header === 'string' && header ? header : randomUUID();
      void this.#handle(req, requestId).then(
        (answer) => send(res, answer),
        (error: unknown) => {
          const { status, body, headers } = toErrorBody(error, requestId);
          if (status >= 500) process.stderr.write(`[request ${requestId}] scorer: ${(error as Error)?.stack}\n`);
          send(res, jsonAnswer(status, body, headers));
        },
      );
    });
    this.#server.keepAliveTimeout = 65_000;
  }

  listen(port: number, host: string): Promise<number> {
    return listenOn(this.#server, port, host);
  }

  /** Stops taking requests, lets those in flight finish, then stops the user's process. */
  async close(): Promise<void> {
    this.#live = false;
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeIdleConnections();
    });
    await this.backend.stop();
  }

  async #handle(req: http.IncomingMessage, requestId: string): Promise<UserAnswer> {
    const { method, path } = requestTarget(req);
    if (method === 'GET' && path === '/v2/health/live') return jsonAnswer(this.#live ? 200 : 503, { live: this.#live });
    if (method === 'GET' && path === '/v2/health/ready') {
      const ready = this.#live && (await this.backend.ready());
      return jsonAnswer(ready ? 200 : 503, { ready });
    }
    if (!(await this.authenticate(req.headers.authorization))) {
      req.resume();
      const message = "The scorer needs the caller's credential: Authorization: Bearer <key or Entra ID token>.";
      return jsonAnswer(401, { error: { code: 'Unauthorized', message } }, { 'www-authenticate': 'Bearer' });
    }
    if (method === 'POST' && path === '/score') {
      const body = await readBody(req, this.maxRequestBytes);
      return this.backend.score(body, req.headers['content-type'], requestId);
    }
    if (method === 'POST' && path === '/batch') return this.#batch(req, requestId);
    if (path === '/v2' || path.startsWith('/v2/')) {
      const body = await readBody(req, this.maxRequestBytes);
      if (!this.backend.forward)
        return notFound(
          method,
          path,
          "This deployment's user code does not speak the Open Inference Protocol (a scoring script, or a custom " +
            "server with protocol 'azureml'): score it with POST /score (the Azure ML score route).",
        );
      const headers: Record<string, string> = { 'x-request-id': requestId };
      for (const name of OIP_HEADERS) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      return this.backend.forward(method, req.url ?? '/', headers, body);
    }
    req.resume();
    return notFound(method, path);
  }

  async #batch(req: http.IncomingMessage, requestId: string): Promise<UserAnswer> {
    const raw = await readBody(req, this.maxRequestBytes);
    if (!this.backend.batch)
      return notFound('POST', '/batch', 'This deployment has no scoring script: mini-batches need run(mini_batch).');
    const prepared = await prepareBatch(raw);
    try {
      const outcome = await this.backend.batch(prepared.miniBatch, requestId);
      if ('failed' in outcome) return outcome.failed;
      const problem = resultsProblem(outcome.results, prepared.inputs);
      if (problem) {
        process.stderr.write(`[request ${requestId}] ${problem}\n`);
        return scriptErrorAnswer(requestId, problem);
      }
      return jsonAnswer(200, { results: outcome.results });
    } finally {
      await prepared.cleanUp();
    }
  }
}

function send(res: http.ServerResponse, answer: UserAnswer): void {
  if (res.destroyed) return;
  res.writeHead(answer.status, { ...answer.headers, 'content-length': answer.body.length });
  res.end(answer.body);
}
