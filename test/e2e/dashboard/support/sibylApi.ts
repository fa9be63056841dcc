/**
 * The test's own HTTP calls to Sibyl (seeding data, checking what the dashboard showed), made with
 * the function key or an endpoint key, outside the browser.
 */
import { BlobServiceClient } from '@azure/storage-blob';
import type { HostProcess } from '../../../support/hostProcess';

export interface Answer<T> {
  status: number;
  body: T;
}

export class SibylApi {
  constructor(private readonly host: HostProcess) {}

  async call<T = Record<string, unknown>>(
    method: string,
    route: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer<T>> {
    const raw = body instanceof Uint8Array;
    const res = await fetch(`${this.host.baseUrl}/${route}`, {
      method,
      headers: {
        'x-functions-key': this.host.functionKey,
        ...(body === undefined ? {} : { 'content-type': raw ? 'application/octet-stream' : 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: raw ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Keep the text.
    }
    return { status: res.status, body: parsed as T };
  }

  /** Scores with an endpoint key (no function key). */
  async score(endpoint: string, key: string, body: unknown): Promise<Answer<unknown>> {
    const res = await fetch(`${this.host.baseUrl}/api/endpoints/${endpoint}/score`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }
}

/** Uploads text blobs to the test run's Azurite, in the container of the default datastore. */
export async function uploadBlobs(container: string, files: Record<string, string>): Promise<void> {
  const connection = process.env.SIBYL_TEST_STORAGE_CONNECTION_STRING;
  if (!connection)
    throw new Error('SIBYL_TEST_STORAGE_CONNECTION_STRING is not set (Jest global setup starts Azurite).');
  // No kept-alive sockets: an idle one would keep the Jest worker from exiting.
  const client = BlobServiceClient.fromConnectionString(connection, {
    keepAliveOptions: { enable: false },
  }).getContainerClient(container);
  await client.createIfNotExists();
  for (const [name, text] of Object.entries(files))
    await client.getBlockBlobClient(name).upload(text, Buffer.byteLength(text));
}
