/**
 * The parts of host.json's `extensions.http` that shape every answer beyond routing: the request throttle
 * (`maxOutstandingRequests`, `maxConcurrentRequests`, `dynamicThrottlesEnabled`) and `customHeaders`.
 * Unset, they are the host's defaults outside the Windows Consumption plan: no throttle, no headers.
 */
import { validateHeaderName, validateHeaderValue } from 'node:http';

export interface HostHttpOptions {
  /** Requests held at once, queued or running; past it a request gets 429. Absent: unbounded. */
  maxOutstandingRequests?: number;
  /** Requests run at once; the others wait in the queue. Absent: unbounded. */
  maxConcurrentRequests?: number;
  /** Headers added to each answer that does not set them itself. */
  customHeaders: Record<string, string>;
}

export interface HostJsonHttp {
  routePrefix?: string;
  maxOutstandingRequests?: unknown;
  maxConcurrentRequests?: unknown;
  dynamicThrottlesEnabled?: unknown;
  customHeaders?: unknown;
}

/** A positive integer, or -1 (`DataflowBlockOptions.Unbounded`, the host's "no limit"), which reads as absent. */
function limit(http: HostJsonHttp, name: 'maxOutstandingRequests' | 'maxConcurrentRequests'): number | undefined {
  const value = http[name];
  if (value === undefined || value === -1) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
    throw new Error(
      `host.json: extensions.http.${name} must be a positive integer or -1 (no limit), got ${JSON.stringify(value)}.`,
    );
  return value;
}

/** Whether node:http's own check (the one `setHeader` makes) passes. */
function isValid(check: () => void): boolean {
  try {
    check();
    return true;
  } catch {
    return false;
  }
}

export function readHostHttpOptions(http: HostJsonHttp = {}): HostHttpOptions {
  // `dynamicThrottlesEnabled` reads App Service sandbox counters, which exist on neither Linux nor this
  // machine: the host then never rejects for it, and neither does this one. Only its type is checked.
  if (http.dynamicThrottlesEnabled !== undefined && typeof http.dynamicThrottlesEnabled !== 'boolean')
    throw new Error('host.json: extensions.http.dynamicThrottlesEnabled must be true or false.');
  const headers = http.customHeaders ?? {};
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers))
    throw new Error('host.json: extensions.http.customHeaders must be an object of header names and values.');
  const customHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!isValid(() => validateHeaderName(name)))
      throw new Error(`host.json: extensions.http.customHeaders has '${name}', which is not a header name.`);
    // .NET configuration binds numbers and booleans as their text; anything else is not a header value.
    const text = ['string', 'number', 'boolean'].includes(typeof value) ? String(value) : undefined;
    if (text === undefined || !isValid(() => validateHeaderValue(name, text)))
      throw new Error(`host.json: extensions.http.customHeaders.${name} must be a single-line text value.`);
    customHeaders[name.toLowerCase()] = text;
  }
  const maxOutstandingRequests = limit(http, 'maxOutstandingRequests');
  const maxConcurrentRequests = limit(http, 'maxConcurrentRequests');
  return {
    ...(maxOutstandingRequests !== undefined ? { maxOutstandingRequests } : {}),
    ...(maxConcurrentRequests !== undefined ? { maxConcurrentRequests } : {}),
    customHeaders,
  };
}
