/**
 * Where the CLI may send secrets. The function key travels in a header to the Sibyl URL: plain
 * `http://` is accepted only to this machine unless the user says `--insecure`. The Azure token goes
 * only to a storage account of Azure's public or sovereign clouds, or to a local Azurite, whatever
 * `accountUrl` a server answers.
 *
 * @example
 *   assertSecureUrl('http://10.0.0.5:7071', false); // throws: use https or --insecure
 *   assertTrustedStorage('https://evil.example.com/'); // throws: not an Azure storage account
 */
import { UsageError } from './cliErrors';

/** Blob endpoints of Azure's clouds: public, China, US Government, and the retired German cloud. */
export const TRUSTED_BLOB_SUFFIXES: readonly string[] = [
  '.blob.core.windows.net',
  '.blob.core.chinacloudapi.cn',
  '.blob.core.usgovcloudapi.net',
  '.blob.core.cloudapi.de',
];

/** Whether `hostname` (as `URL.hostname` gives it) is this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/** Refuses `http://` to another machine unless `insecure`: the function key would cross the network in clear. */
export function assertSecureUrl(url: string, insecure: boolean): void {
  const parsed = new URL(url);
  if (parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname) && !insecure) {
    throw new UsageError(
      `refusing to send the function key over plain http to ${parsed.host}: use https://, or pass --insecure if this network is trusted.`,
    );
  }
}

/** Refuses to send an Azure token to `accountUrl` unless it is an Azure storage account (https) or a local Azurite. */
export function assertTrustedStorage(accountUrl: string): void {
  let parsed: URL;
  try {
    parsed = new URL(accountUrl);
  } catch {
    throw new UsageError(
      `the server answered a storage account URL that is not a URL ('${accountUrl.slice(0, 200)}').`,
    );
  }
  const host = parsed.hostname.toLowerCase();
  if (isLoopbackHost(host)) return;
  if (parsed.protocol === 'https:' && TRUSTED_BLOB_SUFFIXES.some((suffix) => host.endsWith(suffix))) return;
  throw new UsageError(
    `refusing to send your Azure credential to '${parsed.origin}': ` +
      `it is not an Azure storage account (https://<account>${TRUSTED_BLOB_SUFFIXES[0]}) ` +
      'nor a local Azurite. Pass --connection-string for other storage.',
  );
}
