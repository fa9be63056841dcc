/**
 * The `durableClient` input binding data (docs/local-host-contract.md, "Durable replay engine") and the check-status payload the
 * management API answers `startNew` with. URL shapes follow the extension's HttpApiHandler;
 * the JS client parses them, so changing them breaks `df.getClient`.
 */
import type { RpcTypedData } from '../core/rpcTypes';

export const webhookPath = '/runtime/webhooks/durabletask';

/** Placeholder the client replaces with the instance id. */
const idPlaceholder = 'INSTANCEID';

function trimOrigin(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}

/** The nine management URLs for `instanceIdInUrl` (already URL-encoded, or the placeholder). */
export function managementUrls(
  baseUrl: string,
  hubName: string,
  instanceIdInUrl: string,
  id: string,
): Record<string, string> {
  const instance = `${trimOrigin(baseUrl)}${webhookPath}/instances/${instanceIdInUrl}`;
  const query = `taskHub=${encodeURIComponent(hubName)}&connection=Storage`;
  return {
    id,
    statusQueryGetUri: `${instance}?${query}`,
    sendEventPostUri: `${instance}/raiseEvent/{eventName}?${query}`,
    terminatePostUri: `${instance}/terminate?reason={text}&${query}`,
    rewindPostUri: `${instance}/rewind?reason={text}&${query}`,
    purgeHistoryDeleteUri: `${instance}?${query}`,
    restartPostUri: `${instance}/restart?${query}`,
    suspendPostUri: `${instance}/suspend?reason={text}&${query}`,
    resumePostUri: `${instance}/resume?reason={text}&${query}`,
  };
}

/** The JSON the client library receives for a `durableClient` binding. */
export function durableClientData(baseUrl: string, hubName: string): Record<string, unknown> {
  const base = `${trimOrigin(baseUrl)}${webhookPath}`;
  return {
    taskHubName: hubName,
    creationUrls: {
      createNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?`,
      createAndWaitOnNewInstancePostUri:
        `${base}/orchestrators/{functionName}[/{instanceId}]?` +
        'timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&',
    },
    managementUrls: managementUrls(baseUrl, hubName, idPlaceholder, idPlaceholder),
    baseUrl: base,
    requiredQueryStringParameters: '',
    // With rpcBaseUrl present the client sends every operation here; keep the trailing slash.
    rpcBaseUrl: `${base}/`,
  };
}

/**
 * The `RpcTypedData` for a `durableClient` input binding; `baseUrl` is the emulator's origin, e.g.
 * `http://127.0.0.1:7071`.
 */
export function durableClientInputData(baseUrl: string, hubName: string): RpcTypedData {
  return { string: JSON.stringify(durableClientData(baseUrl, hubName)) };
}

/** The 202 body of a start request (the extension's eight check-status links, no rewind). */
export function checkStatusPayload(origin: string, hubName: string, instanceId: string): Record<string, string> {
  const { rewindPostUri: _rewind, ...links } = managementUrls(
    origin,
    hubName,
    encodeURIComponent(instanceId),
    instanceId,
  );
  return links;
}
