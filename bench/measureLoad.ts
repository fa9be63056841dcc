/**
 * One benchmark measurement with autocannon: a warm-up (discarded), then a fixed-duration run with
 * `connections` concurrent connections, one request in flight per connection (no pipelining), every
 * request the same batch-1 POST.
 */
import autocannon from 'autocannon';
import { processCpuMs } from './processCpu';

export interface LoadSpec {
  url: string;
  body: string;
  headers?: Record<string, string>;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** The server's process id, to report its CPU time per request. */
  serverPid?: number;
  /** Runs just before the measured run and just after it (after the warm-up): e.g. reads server counters. */
  around?: { before(): Promise<void>; after(result: LoadResult): Promise<LoadResult> };
}

export interface LoadResult {
  /** Successful (2xx) responses per second over the measured run. */
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses in the measured run, and how many of them were not 2xx or failed to arrive. */
  requests: number;
  non2xx: number;
  errors: number;
  durationSeconds: number;
  /** Server CPU (user + system) per successful response, in µs; absent where it cannot be read. */
  serverCpuUsPerRequest?: number;
  /** Server CPU time over wall time: 1 = one core busy the whole run. */
  serverCores?: number;
  /** Sibyl only: rows per model run over the measured run (dynamic batching at work). */
  meanBatchSize?: number;
}

function run(spec: LoadSpec, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url: spec.url,
    method: 'POST',
    body: spec.body,
    headers: { 'content-type': 'application/json', ...spec.headers },
    connections: spec.connections,
    pipelining: 1,
    duration: seconds,
    timeout: 30,
  });
}

export async function measureLoad(spec: LoadSpec): Promise<LoadResult> {
  if (spec.warmupSeconds > 0) await run(spec, spec.warmupSeconds);
  await spec.around?.before();
  const cpuBefore = processCpuMs(spec.serverPid);
  const result = await run(spec, spec.durationSeconds);
  const cpuAfter = processCpuMs(spec.serverPid);
  const ok = result['2xx'];
  const cpuMs = cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined;
  const measured: LoadResult = {
    requestsPerSecond: ok / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    durationSeconds: result.duration,
    ...(cpuMs !== undefined && ok > 0
      ? { serverCpuUsPerRequest: (cpuMs * 1000) / ok, serverCores: cpuMs / 1000 / result.duration }
      : {}),
  };
  return spec.around ? spec.around.after(measured) : measured;
}

/** Sends the request once and checks it answers 2xx with JSON, so a broken case fails loudly, not as a fast 4xx. */
export async function checkOnce(spec: Pick<LoadSpec, 'url' | 'body' | 'headers'>): Promise<unknown> {
  const res = await fetch(spec.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...spec.headers },
    body: spec.body,
  });
  const text = await res.text();
  if (res.status < 200 || res.status >= 300) throw new Error(`POST ${spec.url}: ${res.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as unknown;
}
