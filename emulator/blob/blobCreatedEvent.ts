/**
 * The `Microsoft.Storage.BlobCreated` event (Event Grid schema) that Azure Storage publishes for a new or
 * overwritten blob, built from a listing entry: the subject names container and blob, `data` carries the
 * URL, the bare ETag, type and length, never the content.
 */
import { randomUUID } from 'node:crypto';
import type { BlobItem } from '@azure/storage-blob';

export interface BlobCreatedEvent {
  id: string;
  topic: string;
  subject: string;
  eventType: 'Microsoft.Storage.BlobCreated';
  eventTime: string;
  data: {
    api: string;
    clientRequestId: string;
    requestId: string;
    /** Bare, as Event Grid sends it (`0x8D…`, no quotes). */
    eTag: string;
    contentType: string;
    contentLength: number;
    blobType: string;
    url: string;
    sequencer: string;
    storageDiagnostics: { batchId: string };
  };
  dataVersion: string;
  metadataVersion: string;
}

/** A system topic's id has a subscription and group; the local account has neither, so these stand in. */
const LOCAL_SCOPE = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/local';

export function toBlobCreatedEvent(input: {
  accountName: string;
  container: string;
  item: BlobItem;
  url: string;
}): BlobCreatedEvent {
  const { accountName, container, item, url } = input;
  const p = item.properties;
  const lastModified = p.lastModified ?? new Date();
  return {
    id: randomUUID(),
    topic: `${LOCAL_SCOPE}/providers/Microsoft.Storage/storageAccounts/${accountName}`,
    subject: `/blobServices/default/containers/${container}/blobs/${item.name}`,
    eventType: 'Microsoft.Storage.BlobCreated',
    eventTime: lastModified.toISOString(),
    data: {
      api: 'PutBlob',
      clientRequestId: randomUUID(),
      requestId: randomUUID(),
      eTag: (p.etag ?? '').replace(/"/g, ''),
      contentType: p.contentType ?? 'application/octet-stream',
      contentLength: p.contentLength ?? 0,
      blobType: p.blobType ?? 'BlockBlob',
      url,
      // Event Grid orders events of one blob by this; the write time does the same here.
      sequencer: lastModified.getTime().toString(16).padStart(32, '0'),
      storageDiagnostics: { batchId: randomUUID() },
    },
    dataVersion: '',
    metadataVersion: '1',
  };
}
