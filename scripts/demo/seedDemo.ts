/**
 * The demo on first start: registers the horoscope model and deploys it at endpoint `horoscope`
 * through Sibyl's own HTTP API, then returns the curl line that scores it.
 */
import { horoscopeModel } from '../onnx/horoscopeModel';

const ENDPOINT = 'horoscope';
const DEPLOYMENT = 'stars';

interface Keys {
  primaryKey: string;
}

async function call(
  baseUrl: string,
  functionKey: string,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<Response> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'x-functions-key': functionKey, 'content-type': contentType },
    body: body === undefined ? undefined : body instanceof Uint8Array ? body : JSON.stringify(body),
  });
  if (res.status >= 400 && res.status !== 404)
    throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
  return res;
}

/** Seeds the demo unless the endpoint already exists; returns the banner's scoring command. */
export async function seedDemo(baseUrl: string, functionKey: string): Promise<string> {
  const existing = await call(baseUrl, functionKey, 'GET', `/api/endpoints/${ENDPOINT}`);
  if (existing.status === 404) {
    await call(
      baseUrl,
      functionKey,
      'POST',
      `/api/models/${ENDPOINT}/versions?description=${encodeURIComponent('Demo: daily horoscope (love, work, money, health)')}`,
      horoscopeModel(),
      'application/octet-stream',
    );
    await call(baseUrl, functionKey, 'PUT', `/api/endpoints/${ENDPOINT}`, {
      authMode: 'key',
      description: 'Demo endpoint: the horoscope model',
    });
    await call(baseUrl, functionKey, 'PUT', `/api/endpoints/${ENDPOINT}/deployments/${DEPLOYMENT}`, {
      model: `${ENDPOINT}@latest`,
      batching: { maxBatchSize: 64 },
    });
    await call(baseUrl, functionKey, 'PUT', `/api/endpoints/${ENDPOINT}`, {
      authMode: 'key',
      traffic: { [DEPLOYMENT]: 100 },
    });
  }
  const keys = (await (await call(baseUrl, functionKey, 'GET', `/api/endpoints/${ENDPOINT}/keys`)).json()) as Keys;
  const body = JSON.stringify({
    input_data: {
      columns: ['birthMonth', 'birthDay', 'birthYearOffset', 'todayMonth', 'todayDay', 'dayOfWeek'],
      data: [[3, 14, 90, 5, 24, 5]],
    },
  });
  return (
    `curl -s ${baseUrl}/api/endpoints/${ENDPOINT}/score -H "Authorization: Bearer ${keys.primaryKey}" ` +
    `-H "Content-Type: application/json" -d '${body}'`
  );
}
