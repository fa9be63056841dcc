/**
 * A deployment whose environment runs user code (`python`, `node`, `custom`): its replicas take raw
 * requests (Azure ML's score route, OIP routes) rather than tensors. This forwards one request to the
 * deployment's scorer app through the compute ingress, with the same scorer auth as tensors, and
 * hands back the replica's answer as it came (status, content type, body).
 */
import type { ScorerClientSettings } from '../config';
import { SibylError } from '../errors';
import type { ModelSignature, NamedTensor } from '../scoring/datatypes';
import type { TensorRunner } from '../scoring/tensorRunner';
import { authorization as scorerAuthorization, type RemoteCompute } from './scorerClient';

/** A replica's answer, passed through to the client. */
export interface ForwardedAnswer {
  status: number;
  /** Headers passed back: the content type and, for OIP binary answers, the JSON header's length. */
  headers: Record<string, string>;
  body: Uint8Array;
}

/** A request as the client sent it. */
export interface RawRequest {
  method: 'GET' | 'POST';
  /** Replica path: `/score` or `/v2/models/…`. */
  path: string;
  body?: Uint8Array;
  /** Headers passed on (content type, OIP binary header length). */
  headers: Record<string, string>;
  requestId: string;
  signal: AbortSignal;
}

/** Headers that travel both ways unchanged. */
const PASSED_HEADERS = ['content-type', 'inference-header-content-length'];

export interface UserCodeTarget {
  endpoint: string;
  deployment: string;
  runtime: 'python' | 'node' | 'custom';
  compute: RemoteCompute;
  /** The deployment's scorer app, as its compute reports it. */
  url: string;
}

export class UserCodeRunner implements TensorRunner {
  readonly signature: ModelSignature = { inputs: [], outputs: [] };

  constructor(
    private readonly settings: ScorerClientSettings,
    readonly target: UserCodeTarget,
  ) {}

  /** The compute answered the apply once the replicas were ready. */
  get ready(): boolean {
    return true;
  }

  /** Tensors have no meaning to a scoring script: its score route takes the raw body. */
  run(_feeds: readonly NamedTensor[]): Promise<NamedTensor[]> {
    return Promise.reject(
      new SibylError(
        'InvalidInput',
        `Deployment '${this.target.deployment}' runs user code (runtime '${this.target.runtime}'): it takes ` +
          'requests through the score route, not tensors.',
      ),
    );
  }

  release(): Promise<void> {
    return Promise.resolve();
  }

  /** Sends `request` to a replica; an unreachable scorer is 503 with Retry-After, never a hang. */
  async forward(request: RawRequest): Promise<ForwardedAnswer> {
    const headers: Record<string, string> = {
      authorization: await scorerAuthorization(this.settings),
      ...(request.requestId ? { 'x-request-id': request.requestId } : {}),
    };
    for (const name of PASSED_HEADERS) if (request.headers[name]) headers[name] = request.headers[name];
    let res: Response;
    try {
      res = await fetch(`${this.target.url}${request.path}`, {
        method: request.method,
        headers,
        ...(request.body ? { body: request.body } : {}),
        signal: request.signal,
      });
    } catch (error) {
      if (request.signal.aborted) throw request.signal.reason;
      throw new SibylError(
        'ServiceUnavailable',
        `The ${this.target.compute} scorer of deployment '${this.target.deployment}' is not reachable ` +
          `(${(error as Error).name === 'TimeoutError' ? 'no answer in time' : 'connection failed'}); retry shortly.`,
        undefined,
        { 'Retry-After': '5' },
      );
    }
    const body = new Uint8Array(await res.arrayBuffer());
    const passed: Record<string, string> = {};
    for (const name of PASSED_HEADERS) {
      const value = res.headers.get(name);
      if (value) passed[name] = value;
    }
    return { status: res.status, headers: passed, body };
  }
}
