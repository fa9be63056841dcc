/**
 * The local stand-in for the Event Grid subscriptions that feed an app's Event Grid functions with the
 * storage account's `BlobCreated` events (in Azure, created at deployment with a subject filter). From the
 * host setting `SIBYL_BLOB_EVENTS`: `function=container[/prefix]` entries separated by `;`, `*` for every
 * container. Unset: every Event Grid function gets the events of every container (a subscription without
 * a filter). Events come from the account of `AzureWebJobsStorage`.
 *
 * @example parseBlobEventSubscriptions('scheduleBlobTrigger=workspaceblobstore', fns) // one subscription
 */
import type { EventGridFunction } from '../functionCatalog';

/**
 * Which BlobCreated events an Event Grid function gets locally: those of `container` (`*`: every
 * container but the host's own) whose blob name starts with `prefix`, in the account of `connection`.
 */
export interface BlobEventSubscription {
  fn: EventGridFunction;
  container: string;
  prefix: string;
  connection: string;
}

const CONNECTION = 'AzureWebJobsStorage';

export function parseBlobEventSubscriptions(
  setting: string | undefined,
  functions: EventGridFunction[],
): { subscriptions: BlobEventSubscription[]; problems: string[] } {
  if (setting === undefined || setting.trim() === '') {
    return {
      subscriptions: functions.map((fn) => ({ fn, container: '*', prefix: '', connection: CONNECTION })),
      problems: [],
    };
  }
  const subscriptions: BlobEventSubscription[] = [];
  const problems: string[] = [];
  for (const entry of setting
    .split(';')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const m = /^([^=\s]+)\s*=\s*([^/\s]+)(?:\/(.*))?$/.exec(entry);
    const fn = m && functions.find((f) => f.name.toLowerCase() === m[1]!.toLowerCase());
    if (!m) problems.push(`SIBYL_BLOB_EVENTS entry '${entry}' is not 'function=container[/prefix]'.`);
    else if (!fn) problems.push(`SIBYL_BLOB_EVENTS names '${m[1]}', which is not an Event Grid function of the app.`);
    else subscriptions.push({ fn, container: m[2]!, prefix: m[3] ?? '', connection: CONNECTION });
  }
  return { subscriptions, problems };
}
