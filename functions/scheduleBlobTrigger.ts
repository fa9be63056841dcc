/**
 * Event Grid trigger `scheduleBlobTrigger`: the storage account's `BlobCreated` events for the watched
 * container (`SIBYL_SCHEDULER_CONTAINER`, default `workspaceblobstore`) fire the change-based schedules
 * whose datastore and path pattern match the blob, once per blob version (run id from schedule + blob +
 * ETag, so a redelivered event starts nothing new). The event carries the blob's URL and ETag and never
 * its content, so a blob of any size costs the app nothing. Events of other containers are ignored (the
 * subscription's subject filter normally keeps them away). The local host delivers the same events by
 * polling its storage. A failure is thrown, so Event Grid delivers the event again.
 */
import { app, type EventGridEvent, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { getConfig } from '../shared/config';
import { durableRunStarter } from '../shared/pipelines/durableRunStarter';
import { blobOfEvent, etagOfEvent, eventTimeOf, type BlobRef } from '../shared/schedules/blobCreatedEvent';
import { fireOnBlobChange } from '../shared/schedules/blobFiring';
import { getBlobServiceClient } from '../shared/storage/blobService';

/** The ETag from the blob's properties, when the event carried none; undefined when the blob is gone. */
async function readEtag(blob: BlobRef): Promise<string | undefined> {
  try {
    return (await getBlobServiceClient().getContainerClient(blob.container).getBlobClient(blob.name).getProperties())
      .etag;
  } catch (error) {
    if ((error as { statusCode?: unknown }).statusCode === 404) return undefined;
    throw error;
  }
}

export async function scheduleBlobTrigger(event: EventGridEvent, context: InvocationContext): Promise<void> {
  const blob = blobOfEvent(event);
  const container = getConfig().scheduler.watchedContainer;
  if (!blob || blob.container !== container) {
    context.log(
      `scheduleBlobTrigger: ignored ${String(event.eventType)} for '${String(event.subject).slice(0, 300)}' (watching '${container}').`,
    );
    return;
  }
  const etag = await etagOfEvent(event, blob, readEtag);
  if (!etag) {
    context.log(`scheduleBlobTrigger: ${blob.container}/${blob.name} is gone; nothing to fire.`);
    return;
  }
  const lastModified = eventTimeOf(event);
  await fireOnBlobChange(
    { container, name: blob.name, etag, ...(lastModified ? { lastModified } : {}) },
    {
      start: durableRunStarter(df.getClient(context)),
      log: (level, message) =>
        level === 'error' ? context.error(message) : level === 'warn' ? context.warn(message) : context.log(message),
    },
  );
}

app.eventGrid('scheduleBlobTrigger', { extraInputs: [df.input.durableClient()], handler: scheduleBlobTrigger });
