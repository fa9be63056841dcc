/**
 * What the user-code replica's HTTP server (userCodeServer.ts) asks of the runtime behind it: the
 * Python runner, a Node module loaded in-process, or a bring-your-own server. Each answers with the
 * status, headers and bytes to send, so user answers pass through untouched.
 */

export interface UserAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** One mini-batch as `run(mini_batch)` gets it: local file paths, or rows as `{column: value}` objects. */
export type MiniBatch = { files: string[] } | { rows: Record<string, unknown>[] };

/** `run(mini_batch)`'s return value (checked by the server), or the answer that reports its failure. */
export type BatchOutcome = { results: unknown } | { failed: UserAnswer };

export interface UserCodeBackend {
  /** Whether it serves now (`init()` returned; the custom server's readiness route answers 2xx). */
  ready(): Promise<boolean>;
  /** Azure ML's score route: the raw body to `run()` or to the custom server's scoring route. */
  score(body: Buffer, contentType: string | undefined, requestId: string): Promise<UserAnswer>;
  /** Absent where there is no scoring script (a custom server). */
  batch?(miniBatch: MiniBatch, requestId: string): Promise<BatchOutcome>;
  /** Open Inference Protocol routes, forwarded unchanged (a custom server with `protocol: "oip"`). */
  forward?(method: string, path: string, headers: Record<string, string>, body: Buffer): Promise<UserAnswer>;
  /** Stops the user process (if any); resolves once it is gone. */
  stop(): Promise<void>;
}

export const GENERIC_SCRIPT_ERROR = 'An unexpected error occurred in scoring script. Check the logs for more info.';

export function jsonAnswer(status: number, body: unknown, headers: Record<string, string> = {}): UserAnswer {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: Buffer.from(JSON.stringify(body)),
  };
}

/** Azure ML's answer to an exception in `run()`: 500, a generic message and the request id. */
export function scriptErrorAnswer(requestId: string, message = GENERIC_SCRIPT_ERROR): UserAnswer {
  return jsonAnswer(500, { error: { code: 'ScoringScriptError', message, requestId } });
}

/** `run()`'s return value as Azure ML sends it: a string as is, bytes as bytes, anything else as JSON. */
export function valueAnswer(value: unknown): UserAnswer {
  if (typeof value === 'string') {
    let json = true;
    try {
      JSON.parse(value);
    } catch {
      json = false;
    }
    const type = json ? 'application/json' : 'text/plain; charset=utf-8';
    return { status: 200, headers: { 'content-type': type }, body: Buffer.from(value) };
  }
  if (value instanceof Uint8Array)
    return { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from(value) };
  return jsonAnswer(200, value ?? null);
}

/** An exception from user code, to stderr with the request id on every line (the deployment's log). */
export function reportUserError(requestId: string, what: string, error: unknown): void {
  const text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  const lines = [what, ...text.split('\n')].map((line) => `[request ${requestId}] ${line}\n`);
  process.stderr.write(lines.join(''));
}
