/**
 * Forwards a deployment's tensors to its scorer app over the Open Inference Protocol (`container`
 * and `gpu` compute). The caller sees the same API either way; an unreachable scorer answers 503
 * with Retry-After rather than hanging.
 */
import type { ScorerClientSettings } from '../config';
import { SibylError } from '../errors';
import { fromOipTensors, toOipTensors } from '../scoring/codecs/oipCodec';
import type { ModelSignature, NamedTensor } from '../scoring/datatypes';
import { FILES_DIGEST_HEADER } from '../registry/modelBlobs';
import { getCredential } from '../storage/credential';

export type RemoteCompute = 'container' | 'gpu';

export interface RemoteModel {
  name: string;
  version: number;
  compute: RemoteCompute;
  /** The deployment's scorer app, as its compute reports it. */
  url: string;
  /** Digest of the version's files as the registry recorded them: the scorer refuses files that differ. */
  filesDigest?: string;
}

export async function authorization(settings: ScorerClientSettings): Promise<string> {
  if (settings.key) return `Bearer ${settings.key}`;
  if (!settings.audience)
    throw new SibylError(
      'InternalError',
      'Set SIBYL_SCORER_KEY or SIBYL_SCORER_AUDIENCE so the app can authenticate to the scorer.',
    );
  const token = await getCredential().getToken(`${settings.audience}/.default`);
  if (!token)
    throw new SibylError(
      'ServiceUnavailable',
      'No Entra ID token for the scorer could be obtained with the managed identity.',
    );
  return `Bearer ${token.token}`;
}

async function call(
  settings: ScorerClientSettings,
  model: RemoteModel,
  method: 'GET' | 'POST',
  suffix: string,
  body: unknown,
  signal: AbortSignal,
): Promise<unknown> {
  const url = `${model.url}/v2/models/${encodeURIComponent(model.name)}/versions/${model.version}${suffix}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: {
        authorization: await authorization(settings),
        'content-type': 'application/json',
        ...(model.filesDigest ? { [FILES_DIGEST_HEADER]: model.filesDigest } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (error) {
    if (signal.aborted && (signal.reason as Error)?.name !== 'TimeoutError') throw signal.reason;
    throw new SibylError(
      'ServiceUnavailable',
      `The ${model.compute} scorer is not reachable ` +
        `(${(error as Error).name === 'TimeoutError' ? 'no answer in time' : 'connection failed'}); retry shortly.`,
      undefined,
      { 'Retry-After': '5' },
    );
  }
  const json = await jsonBodyOf(res);
  if (res.ok) return json;
  const message =
    typeof (json as { error?: unknown })?.error === 'string'
      ? (json as { error: string }).error
      : `status ${res.status}`;
  if (res.status === 400 || res.status === 413)
    throw new SibylError(res.status === 413 ? 'PayloadTooLarge' : 'InvalidInput', message);
  if (res.status === 404) throw new SibylError('ModelNotFound', message);
  if (res.status === 429)
    throw new SibylError('TooManyRequests', message, undefined, {
      'Retry-After': res.headers.get('retry-after') ?? '1',
    });
  throw new SibylError('ServiceUnavailable', `The ${model.compute} scorer failed: ${message}`, undefined, {
    'Retry-After': '5',
  });
}

/** The model's signature as the scorer read it (loads and warms it there). */
export async function remoteSignature(settings: ScorerClientSettings, model: RemoteModel): Promise<ModelSignature> {
  const meta = (await call(settings, model, 'GET', '', undefined, AbortSignal.timeout(300_000))) as ModelSignature;
  return { inputs: meta.inputs, outputs: meta.outputs };
}

/** Scores `feeds` on the scorer; outputs come back as typed tensors. `signal` aborting drops the request. */
export async function remoteInfer(
  settings: ScorerClientSettings,
  model: RemoteModel,
  feeds: NamedTensor[],
  signal?: AbortSignal,
): Promise<NamedTensor[]> {
  const body = { inputs: toOipTensors(feeds) };
  const answer = (await call(settings, model, 'POST', '/infer', body, signal ?? AbortSignal.timeout(180_000))) as {
    outputs?: unknown;
  };
  return fromOipTensors(answer.outputs);
}

/** A mini-batch for a user-code replica's `POST /batch`: whole files (base64), or rows under column names. */
export type ReplicaBatchRequest =
  { files: { name: string; contentBase64: string }[] } | { columns: string[]; rows: unknown[][] };

/** The scoring script's `run(mini_batch)` failed (or broke the one-result-per-input rule). */
export class ScoringScriptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScoringScriptError';
  }
}

/** The message of an error answer: `{"error": {"message"}}` or `{"error": "..."}`, else the status. */
function errorMessageOf(json: unknown, status: number): string {
  const error = (json as { error?: unknown } | undefined)?.error;
  if (typeof error === 'string') return error;
  const message = (error as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : `status ${status}`;
}

/**
 * Runs one mini-batch on a user-code replica (`POST {url}/batch`, behind the scorer's auth) and answers
 * what `run(mini_batch)` returned. A 500 is the scoring script failing (`ScoringScriptError` with the
 * replica's message); anything else that is not a 200 with `{"results": [...]}` is the replica being
 * unavailable, which a retry may cure.
 */
export async function replicaBatch(
  settings: ScorerClientSettings,
  url: string,
  request: ReplicaBatchRequest,
  signal: AbortSignal,
): Promise<unknown[]> {
  let res: Response;
  try {
    res = await fetch(`${url}/batch`, {
      method: 'POST',
      headers: { authorization: await authorization(settings), 'content-type': 'application/json' },
      body: JSON.stringify(request),
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw new SibylError(
      'ServiceUnavailable',
      `The deployment's replica is not reachable: ${(error as Error).message}.`,
    );
  }
  const json = await jsonBodyOf(res);
  if (res.status === 500) throw new ScoringScriptError(`The scoring script failed: ${errorMessageOf(json, 500)}`);
  if (res.status === 413)
    throw new SibylError(
      'PayloadTooLarge',
      `The mini-batch is too large for the deployment's replica: ${errorMessageOf(json, 413)} ` +
        'Give the job a smaller miniBatchSize.',
    );
  if (!res.ok)
    throw new SibylError(
      'ServiceUnavailable',
      `The deployment's replica answered ${errorMessageOf(json, res.status)}.`,
    );
  const results = (json as { results?: unknown } | undefined)?.results;
  if (!Array.isArray(results))
    throw new ScoringScriptError('The replica answered the mini-batch without a "results" list.');
  return results as unknown[];
}

/** The answer's body as JSON; undefined when it is empty or not JSON (the status then speaks for it). */
async function jsonBodyOf(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}
