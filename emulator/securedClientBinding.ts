/**
 * The `durableClient` binding data with the durable system key in place, as Azure hands it out:
 * `code=<key>` on every management and creation URL, and the RPC base URL under the key.
 */
import type { RpcTypedData } from './core/rpcTypes';
import { durableClientData } from './durable';
import { RPC_SEGMENT } from './http/frontDoor';

function withCode(url: string, key: string): string {
  return url.includes('?')
    ? `${url}${url.endsWith('?') || url.endsWith('&') ? '' : '&'}code=${key}`
    : `${url}?code=${key}`;
}

export function securedClientInputData(baseUrl: string, hubName: string, durableKey: string): RpcTypedData {
  const data = durableClientData(baseUrl, hubName) as {
    creationUrls: Record<string, string>;
    managementUrls: Record<string, string>;
    baseUrl: string;
    requiredQueryStringParameters: string;
    rpcBaseUrl: string;
  };
  for (const group of [data.creationUrls, data.managementUrls]) {
    for (const [name, url] of Object.entries(group)) if (name !== 'id') group[name] = withCode(url, durableKey);
  }
  data.requiredQueryStringParameters = `code=${durableKey}`;
  data.rpcBaseUrl = `${data.baseUrl}/${RPC_SEGMENT}/${durableKey}/`;
  return { string: JSON.stringify(data) };
}
