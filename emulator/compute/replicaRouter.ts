/**
 * The routing of one scorer app's requests to its replicas, as Container Apps' ingress routes them: each
 * request goes to the ready replica with the fewest in flight, waits while none is ready (scale from zero,
 * replacement), and is retried once elsewhere if its replica dies before answering. It also counts the
 * requests in flight, the autoscaler's measure of load.
 */
import * as http from 'node:http';
import { leastInFlight } from './leastInFlight';
import type { Replica } from './replicaProcess';

/** A request for a replica, its body already read (so it can be sent again to another replica). */
export interface ReplicaRequest {
  method: string;
  path: string;
  headers: http.OutgoingHttpHeaders;
  body: Buffer;
}

export interface Forwarded {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** The app is gone (deleted, or the host is stopping) while a request waited for it. */
export class AppGoneError extends Error {}

/** What the router needs of its app. */
export interface RoutedApp {
  readonly key: string;
  /** The replicas of the revision that serves (none before the first one does). */
  serving(): Replica[];
  removed(): boolean;
  /** Called while a request waits for a ready replica, so that the app can start one. */
  starved(): void;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

export class ReplicaRouter {
  #inFlight = 0;
  #peak = 0;
  #waiters: (() => void)[] = [];

  constructor(private readonly app: RoutedApp) {}

  /** The most requests in flight at once since the last call; the count starts again from those in flight now. */
  takePeak(): number {
    const peak = this.#peak;
    this.#peak = this.#inFlight;
    return peak;
  }

  /** Wakes the requests waiting for a replica: one became ready, or the app changed or is gone. */
  wake(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /** The ready replica with the fewest in flight, waiting (scale from zero, replacement) until one is. */
  async #acquire(signal: AbortSignal, avoid: Replica | undefined): Promise<Replica> {
    for (;;) {
      if (this.app.removed()) throw new AppGoneError(`The scorer app ${this.app.key} was removed.`);
      signal.throwIfAborted();
      const replica = leastInFlight(this.app.serving().filter((r) => r !== avoid));
      if (replica) return replica;
      this.app.starved();
      await new Promise<void>((resolve) => {
        const done = () => {
          signal.removeEventListener('abort', done);
          resolve();
        };
        this.#waiters.push(done);
        signal.addEventListener('abort', done, { once: true });
      });
    }
  }

  /** Forwards one request (body already read) to a replica; retried once if that replica dies first. */
  async forward(request: ReplicaRequest, signal: AbortSignal): Promise<Forwarded> {
    this.#inFlight++;
    this.#peak = Math.max(this.#peak, this.#inFlight);
    let avoid: Replica | undefined;
    try {
      for (let attempt = 0; ; attempt++) {
        const replica = await this.#acquire(signal, avoid);
        replica.begin();
        try {
          return await send(replica.port, request, signal);
        } catch (error) {
          // Scoring is idempotent: a replica that died mid-request costs one retry, not an answer.
          if (signal.aborted || attempt >= 1) throw error;
          avoid = replica;
        } finally {
          replica.done();
        }
      }
    } finally {
      this.#inFlight--;
    }
  }
}

function send(port: number, { method, path, headers, body }: ReplicaRequest, signal: AbortSignal): Promise<Forwarded> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path, headers: { ...headers, 'content-length': body.length }, agent, signal },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
        res.on('aborted', () => reject(new Error('the replica closed the connection mid-answer')));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
