/**
 * Blob trigger `scheduleBlobTrigger`: a new or changed blob in the watched container
 * (`SIBYL_SCHEDULER_CONTAINER`, default `workspaceblobstore`) fires the change-based schedules whose
 * datastore and path pattern match it, once per blob version (run id from schedule + blob + ETag).
 * Registered with `source: 'EventGrid'` as Flex Consumption requires; the local host polls instead.
 * A failure is thrown, so the blob is retried (and poisoned after the host's tries).
 */
import { app, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { getConfig } from '../shared/config';
import { durableRunStarter } from '../shared/pipelines/durableRunStarter';
import { fireOnBlobChange } from '../shared/schedules/blobFiring';

// The watched container is part of the trigger's path, so it is read when the trigger registers.
const container = getConfig().scheduler.watchedContainer;

interface BlobProperties {
  eTag?: string;
  lastModified?: string;
}

export async function scheduleBlobTrigger(_blob: unknown, context: InvocationContext): Promise<void> {
  const metadata = context.triggerMetadata ?? {};
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  const properties = (metadata.properties ?? {}) as BlobProperties;
  if (!name || !properties.eTag) throw new Error(`The blob trigger gave no blob name or ETag (${JSON.stringify(metadata).slice(0, 300)}).`);
  const lastModified = properties.lastModified ? new Date(properties.lastModified) : undefined;
  await fireOnBlobChange(
    { container, name, etag: properties.eTag, ...(lastModified && !Number.isNaN(lastModified.getTime()) ? { lastModified } : {}) },
    { start: durableRunStarter(df.getClient(context)), log: (level, message) => (level === 'error' ? context.error(message) : level === 'warn' ? context.warn(message) : context.log(message)) },
  );
}

app.storageBlob('scheduleBlobTrigger', {
  path: `${container}/{name}`,
  connection: 'AzureWebJobsStorage',
  source: 'EventGrid',
  extraInputs: [df.input.durableClient()],
  handler: scheduleBlobTrigger,
});
