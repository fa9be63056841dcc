/**
 * A thin HTTP client for Sibyl's serving API in end-to-end tests: control-plane calls carry the host's
 * function key, data-plane calls an `Authorization: Bearer` credential. Answers are read once into
 * `{status, headers, body}` so tests can assert on all three.
 */
import { randomBytes } from 'node:crypto';
import type { HostProcess } from '../../../support/hostProcess';

/** Parsed JSON, as loosely typed as `Response.json()` gives it: tests assert its shape. */
export type Json = ReturnType<typeof JSON.parse>;

export interface Answer {
  status: number;
  headers: Headers;
  body: Json;
  /** The raw text (for non-JSON answers and error messages). */
  text: string;
}

/**
 * Time allowed for a `beforeAll` that starts a host and deploys: seconds on an idle machine, but the
 * host's start can take a minute when the machine is shared and busy.
 */
export const HOST_START_MS = 150_000;

/** A suffix that keeps names unique across test files sharing one Cosmos and Azurite. */
export function uniqueSuffix(): string {
  return randomBytes(3).toString('hex');
}

async function read(res: Response): Promise<Answer> {
  const text = await res.text();
  let body: Json = text;
  if (text !== '' && (res.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(text);
  return { status: res.status, headers: res.headers, body, text };
}

export interface CallOptions {
  /** JSON-encoded unless it is a string or bytes. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Leave out the function key (control-plane auth tests). */
  anonymous?: boolean;
}

export class ServingClient {
  constructor(readonly host: HostProcess) {}

  get baseUrl(): string {
    return this.host.baseUrl;
  }

  /** Any call; control-plane key added unless `anonymous`. */
  async call(method: string, path: string, options: CallOptions = {}): Promise<Answer> {
    const headers: Record<string, string> = {
      ...(options.anonymous ? {} : { 'x-functions-key': this.host.functionKey }),
      ...options.headers,
    };
    let body: RequestInit['body'];
    if (options.body === undefined) body = undefined;
    else if (typeof options.body === 'string' || options.body instanceof Uint8Array)
      body = options.body as RequestInit['body'];
    else {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    return read(await fetch(`${this.baseUrl}/${path.replace(/^\//, '')}`, { method, headers, body }));
  }

  /** `POST api/models/{name}/versions` with the ONNX bytes. */
  registerModel(
    name: string,
    bytes: Uint8Array,
    query: { description?: string; tags?: Record<string, string> } = {},
    contentType = 'application/octet-stream',
  ): Promise<Answer> {
    const params = new URLSearchParams();
    if (query.description !== undefined) params.set('description', query.description);
    if (query.tags !== undefined) params.set('tags', JSON.stringify(query.tags));
    const qs = params.size ? `?${params.toString()}` : '';
    return this.call('POST', `api/models/${name}/versions${qs}`, {
      body: bytes,
      headers: { 'content-type': contentType },
    });
  }

  putEndpoint(name: string, spec: Record<string, unknown>): Promise<Answer> {
    return this.call('PUT', `api/endpoints/${name}`, { body: spec });
  }

  putDeployment(endpoint: string, deployment: string, spec: Record<string, unknown>): Promise<Answer> {
    return this.call('PUT', `api/endpoints/${endpoint}/deployments/${deployment}`, { body: spec });
  }

  async keys(endpoint: string): Promise<{ primaryKey: string; secondaryKey: string }> {
    const answer = await this.call('GET', `api/endpoints/${endpoint}/keys`);
    if (answer.status !== 200) throw new Error(`GET keys of ${endpoint}: ${answer.status} ${answer.text}`);
    return answer.body as { primaryKey: string; secondaryKey: string };
  }

  /** Registers `bytes`, creates a `key` endpoint and one deployment serving it; returns the primary key. */
  async serve(
    endpoint: string,
    model: string,
    bytes: Uint8Array,
    deployment: Record<string, unknown> = {},
    deploymentName = 'blue',
  ): Promise<string> {
    const registered = await this.registerModel(model, bytes);
    if (registered.status !== 201) throw new Error(`register ${model}: ${registered.status} ${registered.text}`);
    const created = await this.putEndpoint(endpoint, { authMode: 'key' });
    if (created.status !== 201 && created.status !== 200)
      throw new Error(`PUT endpoint ${endpoint}: ${created.status} ${created.text}`);
    const deployed = await this.putDeployment(endpoint, deploymentName, {
      model: `${model}:${registered.body.version}`,
      ...deployment,
    });
    if (deployed.status !== 201)
      throw new Error(`PUT deployment ${endpoint}/${deploymentName}: ${deployed.status} ${deployed.text}`);
    return (await this.keys(endpoint)).primaryKey;
  }

  /** `POST api/endpoints/{name}/score` with a bearer credential (no function key). */
  score(
    endpoint: string,
    body: unknown,
    credential: string | undefined,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    return this.call('POST', `api/endpoints/${endpoint}/score`, {
      anonymous: true,
      body,
      headers: {
        'content-type': 'application/json',
        ...(credential !== undefined ? { authorization: `Bearer ${credential}` } : {}),
        ...headers,
      },
    });
  }

  /** `POST api/v2/models/{endpoint}[/versions/{deployment}]/infer`. */
  infer(endpoint: string, body: unknown, credential: string, deployment?: string): Promise<Answer> {
    const path = deployment
      ? `api/v2/models/${endpoint}/versions/${deployment}/infer`
      : `api/v2/models/${endpoint}/infer`;
    return this.call('POST', path, {
      anonymous: true,
      body,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${credential}` },
    });
  }

  /** A data-plane GET (OIP metadata, readiness). */
  dataGet(path: string, credential: string): Promise<Answer> {
    return this.call('GET', path, { anonymous: true, headers: { authorization: `Bearer ${credential}` } });
  }
}

/** Asserts the documented error body `{"error": {"code", "message"}}` and returns the message. */
export function expectError(answer: Answer, status: number, code?: string): string {
  if (answer.status !== status)
    throw new Error(`expected ${status}${code ? ` ${code}` : ''}, got ${answer.status}: ${answer.text.slice(0, 500)}`);
  const error = (answer.body as { error?: { code?: unknown; message?: unknown } }).error;
  if (!error || typeof error.message !== 'string' || error.message === '' || typeof error.code !== 'string') {
    throw new Error(`not the documented error body: ${answer.text.slice(0, 500)}`);
  }
  if (code !== undefined && error.code !== code)
    throw new Error(`expected error code ${code}, got ${error.code}: ${error.message}`);
  return error.message;
}

/** Asserts the Open Inference Protocol error body `{"error": "<message>"}` and returns the message. */
export function expectOipError(answer: Answer, status: number): string {
  if (answer.status !== status)
    throw new Error(`expected ${status}, got ${answer.status}: ${answer.text.slice(0, 500)}`);
  const error = (answer.body as { error?: unknown }).error;
  if (typeof error !== 'string' || error === '') throw new Error(`not an OIP error body: ${answer.text.slice(0, 500)}`);
  return error;
}
