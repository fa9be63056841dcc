/** Management calls to the local host with its function key, as the benches make them. */
import type { EmulatorHost } from './emulatorHost';

type Host = Pick<EmulatorHost, 'baseUrl' | 'functionKey'>;

async function send(
  host: Host,
  method: string,
  route: string,
  body?: unknown,
): Promise<{ status: number; text: string }> {
  const bytes = body instanceof Uint8Array;
  const res = await fetch(`${host.baseUrl}/${route}`, {
    method,
    headers: {
      'x-functions-key': host.functionKey,
      'content-type': bytes ? 'application/octet-stream' : 'application/json',
    },
    ...(body === undefined ? {} : { body: bytes ? body : JSON.stringify(body) }),
  });
  return { status: res.status, text: await res.text() };
}

/** The answer's status and its JSON body (`{}` when empty), whatever the status. */
export async function hostCall<T>(
  host: Host,
  method: string,
  route: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const { status, text } = await send(host, method, route, body);
  return { status, body: (text ? JSON.parse(text) : {}) as T };
}

/** The answer's JSON body (undefined when empty); throws on a status of 300 or more. */
export async function hostCallOk(host: Host, method: string, route: string, body?: unknown): Promise<unknown> {
  const { status, text } = await send(host, method, route, body);
  if (status >= 300) throw new Error(`${method} ${route}: ${status} ${text.slice(0, 500)}`);
  return text ? (JSON.parse(text) as unknown) : undefined;
}
