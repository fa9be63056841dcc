/**
 * The data plane: one `score(target, protocol, body)` under every door (KServe's shape: one DataPlane,
 * protocol adapters in front). The Function App's Azure ML and Open Inference Protocol routes and the
 * scorer container's OIP server all run it. A protocol adapter (`protocols/`) parses and decodes a
 * body into typed tensors and encodes the outputs into its answer; a target scores tensors (a
 * deployment in the Function App, a loaded model in the scorer) and may watch each request go by.
 *
 * @example
 *   const { answer } = await score(model, oipProtocol, { bytes, binaryHeader: null }, names, { maxElements });
 */
import type { TensorLimits } from './codecs/tensorCheck';
import type { ModelSignature, NamedTensor } from './datatypes';

/** A request's body as it arrived: its bytes and, for the OIP binary tensor extension, its JSON header's length. */
export interface RequestBody {
  bytes: Uint8Array;
  /** The `Inference-Header-Content-Length` header's value; null or absent for a plain JSON body. */
  binaryHeader?: string | null;
  /** Its `Content-Type`, passed on when user code reads the body raw. */
  contentType?: string | null;
}

/** What every protocol decodes a request into: the model's inputs (a protocol may add its own fields). */
export interface DecodedRequest {
  inputs: NamedTensor[];
}

/** Who answers, as an answer names it (OIP's `model_name`, `model_version` and default `id`). */
export interface AnswerNames {
  modelName: string;
  modelVersion?: string;
  /** The answer's `id` when the request sent none. */
  id: string;
}

/** A wire protocol: body → typed tensors, outputs → answer. `Parsed` is the body once read (its JSON). */
export interface Protocol<Parsed, Request extends DecodedRequest, Answer> {
  /**
   * Reads the body (400 when it is not the protocol's syntax). Not a scoring failure: no metrics count it.
   * `target` and `limits` are the ones `decode` will get, for a protocol that decodes the common body
   * while it reads it.
   */
  parse(body: RequestBody, target?: ScoringTarget, limits?: TensorLimits): Parsed;
  /** Checks the parsed body against the target's signature (400/413) and decodes its tensors. */
  decode(parsed: Parsed, target: ScoringTarget, limits: TensorLimits): Request;
  encode(outputs: NamedTensor[], request: Request, names: AnswerNames): Answer;
}

/** What watches a target's requests go by (the Function App's metrics, mirrors and data collection). */
export interface ScoringWatch<Parsed = unknown> {
  /** Once per decoded-or-refused request: milliseconds spent decoding and scoring, and whether it failed. */
  record?(ms: number, failed: boolean): void;
  /** A request decoded, before it is scored. */
  decoded?(inputs: NamedTensor[]): void;
  /** A request scored, with the body it was decoded from. */
  scored?(inputs: NamedTensor[], outputs: NamedTensor[], parsed: Parsed): void;
}

/** What scores tensors. */
export interface ScoringTarget {
  readonly signature: ModelSignature;
  /** Column names of a column-based MLflow signature, which Azure ML bodies may use. */
  readonly columns?: readonly string[];
  /** `caller`: when it goes away, a request still queued is dropped unscored. */
  score(inputs: NamedTensor[], caller?: Caller): Promise<NamedTensor[]>;
}

/**
 * A caller that may go away before its answer: what a target does then (take a queued request back)
 * is registered with `onGone`. Lighter than an AbortSignal, whose listener costs an EventTarget per request.
 */
export class Caller {
  #reason: Error | undefined;
  #onGone: ((reason: Error) => void) | undefined;

  /** Why the caller went away, once it did. */
  get goneReason(): Error | undefined {
    return this.#reason;
  }

  /** Runs `act` when the caller goes away (at once if it has already). */
  onGone(act: (reason: Error) => void): void {
    if (this.#reason) act(this.#reason);
    else this.#onGone = act;
  }

  gone(reason: Error): void {
    if (this.#reason) return;
    this.#reason = reason;
    this.#onGone?.(reason);
  }
}

/** Milliseconds spent in each stage of the data plane. */
export interface DataPlaneTimings {
  /** Parsing and decoding the body. */
  decodeMs: number;
  scoreMs: number;
  encodeMs: number;
}

export interface Scored<Answer> {
  answer: Answer;
  timings: DataPlaneTimings;
}

/**
 * Scores one request: parse, decode against the target's signature, score, encode. `watch` sees the
 * request's outcome: a refused decode and a failed score count as failures, a malformed body does not.
 */
export async function score<Parsed, Request extends DecodedRequest, Answer>(
  target: ScoringTarget,
  protocol: Protocol<Parsed, Request, Answer>,
  body: RequestBody,
  names: AnswerNames,
  limits: TensorLimits,
  options: { watch?: ScoringWatch<Parsed>; caller?: Caller } = {},
): Promise<Scored<Answer>> {
  const { watch, caller } = options;
  const p0 = performance.now();
  const parsed = protocol.parse(body, target, limits);
  const d0 = performance.now();
  let request: Request;
  try {
    request = protocol.decode(parsed, target, limits);
  } catch (error) {
    watch?.record?.(performance.now() - d0, true);
    throw error;
  }
  const s0 = performance.now();
  watch?.decoded?.(request.inputs);
  let outputs: NamedTensor[];
  let failed = true;
  let e0 = s0;
  try {
    outputs = await target.score(request.inputs, caller);
    failed = false;
  } finally {
    e0 = performance.now();
    watch?.record?.(e0 - d0, failed);
  }
  watch?.scored?.(request.inputs, outputs, parsed);
  const e1 = performance.now();
  const answer = protocol.encode(outputs, request, names);
  return { answer, timings: { decodeMs: s0 - p0, scoreMs: e0 - s0, encodeMs: performance.now() - e1 } };
}
