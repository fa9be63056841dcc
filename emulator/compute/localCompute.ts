/**
 * The local compute provider: the emulator's stand-in for Container Apps. It keeps one scorer app
 * per `container`/`gpu` deployment, serves their ingress on one loopback port
 * (`/apps/<endpoint>/<deployment>/…`), runs the autoscalers, and stops every replica when the host stops.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReplicaLogLine, ScorerAppSpec, ScorerAppStatus } from '../../shared/compute/computeTypes';
import { ScorerApp } from './scorerApp';
import { AppGoneError } from './replicaRouter';

export interface LocalComputeOptions {
  /** The scorer program (`dist/scorer/main.js`) that every replica runs (user code runs as its child or in it). */
  scorerMain: string;
  baseEnv: NodeJS.ProcessEnv;
  forcedEnv: NodeJS.ProcessEnv;
  /** How often the autoscalers decide. */
  tickMs: number;
  startTimeoutMs: number;
  /** For `python`/`node`/`custom` replicas, which may install packages before they serve. */
  userCodeStartTimeoutMs: number;
  log: (message: string) => void;
}

const INGRESS_ROUTE = /^\/apps\/([^/]+)\/([^/]+)(\/.*)$/;

export class LocalCompute {
  readonly #apps = new Map<string, ScorerApp>();
  readonly #server: http.Server;
  readonly #timer: NodeJS.Timeout;
  #port = 0;

  private constructor(private readonly options: LocalComputeOptions) {
    this.#server = http.createServer((req, res) => void this.#ingress(req, res));
    this.#server.keepAliveTimeout = 65_000;
    this.#timer = setInterval(() => {
      for (const app of this.#apps.values()) app.tick();
    }, options.tickMs);
    this.#timer.unref();
  }

  static async start(options: LocalComputeOptions): Promise<LocalCompute> {
    const compute = new LocalCompute(options);
    await new Promise<void>((resolve, reject) => {
      compute.#server.once('error', reject);
      compute.#server.listen(0, '127.0.0.1', () => resolve());
    });
    compute.#port = (compute.#server.address() as AddressInfo).port;
    return compute;
  }

  #urlOf(endpoint: string, deployment: string): string {
    return `http://127.0.0.1:${this.#port}/apps/${encodeURIComponent(endpoint)}/${encodeURIComponent(deployment)}`;
  }

  apply(spec: ScorerAppSpec): Promise<ScorerAppStatus> {
    const key = `${spec.endpoint}/${spec.deployment}`;
    let app = this.#apps.get(key);
    if (!app) {
      app = new ScorerApp(key, spec, {
        programOf: () => this.options.scorerMain,
        baseEnv: this.options.baseEnv,
        forcedEnv: this.options.forcedEnv,
        startTimeoutMs: this.options.startTimeoutMs,
        userCodeStartTimeoutMs: this.options.userCodeStartTimeoutMs,
        url: this.#urlOf(spec.endpoint, spec.deployment),
        log: this.options.log,
      });
      this.#apps.set(key, app);
    }
    return app.apply(spec);
  }

  status(endpoint: string, deployment: string): ScorerAppStatus | undefined {
    return this.#apps.get(`${endpoint}/${deployment}`)?.status();
  }

  logs(endpoint: string, deployment: string, lines: number): ReplicaLogLine[] | undefined {
    return this.#apps.get(`${endpoint}/${deployment}`)?.logs(lines);
  }

  async remove(endpoint: string, deployment: string): Promise<boolean> {
    const key = `${endpoint}/${deployment}`;
    const app = this.#apps.get(key);
    if (!app) return false;
    this.#apps.delete(key);
    await app.remove();
    return true;
  }

  /** Every replica of every app, then the ingress. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    const apps = [...this.#apps.values()];
    this.#apps.clear();
    await Promise.all(apps.map((a) => a.remove()));
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  async #ingress(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const match = INGRESS_ROUTE.exec(req.url ?? '');
    const app = match ? this.#apps.get(`${decodeURIComponent(match[1]!)}/${decodeURIComponent(match[2]!)}`) : undefined;
    if (!app || !match) {
      req.resume();
      return reply(res, 404, { error: `No scorer app serves ${req.url ?? ''}.` });
    }
    // The caller giving up (its timeout) takes the request out of the queue: it is never scored.
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers: http.OutgoingHttpHeaders = {};
      // As Container Apps' ingress does: the request id and OIP's binary header reach user-code replicas.
      for (const name of ['authorization', 'content-type', 'accept', 'x-request-id', 'inference-header-content-length'])
        if (req.headers[name]) headers[name] = req.headers[name];
      const request = { method: req.method ?? 'GET', path: match[3]!, headers, body: Buffer.concat(chunks) };
      const answer = await app.forward(request, abort.signal);
      const out: http.OutgoingHttpHeaders = { 'content-length': answer.body.length };
      for (const name of ['content-type', 'retry-after', 'www-authenticate', 'inference-header-content-length'])
        if (answer.headers[name]) out[name] = answer.headers[name];
      res.writeHead(answer.status, out);
      res.end(answer.body);
    } catch (error) {
      if (abort.signal.aborted) return;
      const gone = error instanceof AppGoneError;
      reply(
        res,
        gone ? 404 : 503,
        { error: gone ? error.message : `No replica could answer: ${(error as Error).message}` },
        { 'retry-after': '1' },
      );
    }
  }
}

function reply(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.destroy();
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}
